package io.kvsinfer.connector.kvs.localkvs;

import io.kvsinfer.connector.kvs.localkvs.http.KvsHttpServer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The DEBUG request log never shows session tokens. */
class LocalKvsRequestLogTest {

    @Test
    void sessionTokensAreMasked() {
        assertThat(
                        KvsHttpServer.redact(
                                "FragmentNumber=123&SessionToken=secret-token_1&TrackNumber=1"))
                .isEqualTo("FragmentNumber=123&SessionToken=***&TrackNumber=1");
        assertThat(KvsHttpServer.redact("SessionToken=abc")).isEqualTo("SessionToken=***");
        assertThat(KvsHttpServer.redact("TrackNumber=1")).isEqualTo("TrackNumber=1");
    }
}
