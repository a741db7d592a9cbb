package io.kvsinfer.connector.kvs.localkvs.media;

/**
 * Prints how long encoding one synthetic camera loop takes and how large its fragments are. Not a
 * test (timings on a shared machine are noise); run by hand: {@code java -cp
 * target/test-classes:target/classes:<test classpath> ...SyntheticCameraEncodeTimes}.
 */
public final class SyntheticCameraEncodeTimes {

    public static void main(String[] args) {
        int[][] configs = {{320, 240, 15}, {1280, 720, 15}, {1920, 1080, 30}};
        for (int[] c : configs) {
            long started = System.nanoTime();
            PreparedMedia media = (PreparedMedia) SyntheticCamera.encode(c[0], c[1], c[2]);
            long millis = (System.nanoTime() - started) / 1_000_000;
            long mp4 = 0;
            long ts = 0;
            for (int i = 0; i < media.fragmentCount(); i++) {
                mp4 += media.fragment(i).mp4().length;
                ts += media.fragment(i).ts().length;
            }
            long serveStart = System.nanoTime();
            int serves = 200;
            for (int i = 0; i < serves; i++) {
                media.mp4Fragment(i % media.fragmentCount(), 1_795_000_000_000L + 2000L * i, i);
            }
            long serveMicros = (System.nanoTime() - serveStart) / 1000 / serves;
            System.out.printf(
                    "%dx%d@%d: %d frames encoded+fragmented in %d ms; %s; fMP4 fragment avg %d"
                            + " bytes, TS avg %d bytes, init %d bytes; mp4Fragment() %d us%n",
                    c[0],
                    c[1],
                    c[2],
                    c[2] * 2 * media.fragmentCount(),
                    millis,
                    media.hlsCodecs(),
                    mp4 / media.fragmentCount(),
                    ts / media.fragmentCount(),
                    media.initSegment().length,
                    serveMicros);
        }
    }
}
