package io.kvsinfer.connector.kvs.localkvs.http;

import io.kvsinfer.connector.kvs.localkvs.Corruption;
import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.api.StsApi;
import io.kvsinfer.connector.kvs.localkvs.fault.FaultPlan;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;

/**
 * The one HTTP server behind both the control plane and the data endpoint. It maps each path to an
 * operation, counts it, applies injected faults, runs the handler and writes the answer. Any
 * failure becomes an AWS-style error answer; nothing a client sends can take the server down.
 */
@Internal
public final class KvsHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KvsHttpServer.class);

    /** Bodies above this are refused, as AWS's front end refuses oversized requests. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private static final long MAX_DRAIN_BYTES = 16L << 20;

    private static final String ERROR_TYPE_SUFFIX =
            ":https://kinesisvideo.amazonaws.com/doc/2017-09-30/";
    private static final Pattern SESSION_TOKEN = Pattern.compile("(SessionToken=)[^&]*");
    private static final int THREADS = 16;
    private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final Map<KvsOperation, KvsHandler> handlers;
    private final FaultPlan faults;
    private final RequestAuthorizer authorizer;
    private final AtomicLongArray requestCounts = new AtomicLongArray(KvsOperation.values().length);
    private final HttpServer server;
    private final ExecutorService executor;

    public KvsHttpServer(
            String host,
            int port,
            Map<KvsOperation, KvsHandler> handlers,
            FaultPlan faults,
            RequestAuthorizer authorizer)
            throws IOException {
        enableNoDelay();
        this.handlers = new EnumMap<>(handlers);
        this.faults = faults;
        this.authorizer = authorizer;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = newExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
    }

    /**
     * Turns on TCP_NODELAY for the JDK HTTP server unless the user chose otherwise. The server
     * writes the response headers and the body separately; with Nagle's algorithm on, a body that
     * does not fill a segment waits for the client's delayed ACK of the headers, about 40 ms on
     * Linux, so every playlist, init segment and small fragment took 40+ ms on loopback instead of
     * about 1 ms. The JDK reads the property once, when its first HTTP server is created in the
     * JVM, so a JDK HTTP server created earlier by something else keeps the default.
     */
    private static void enableNoDelay() {
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
    }

    private static ExecutorService newExecutor() {
        AtomicInteger threadIds = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(
                        THREADS,
                        THREADS,
                        30,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t =
                                    new Thread(r, "localkvs-http-" + threadIds.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public long requestCount(KvsOperation op) {
        return requestCounts.get(op.ordinal());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        String path = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} {}{} request {}",
                    exchange.getRequestMethod(),
                    path,
                    rawQuery == null ? "" : "?" + redact(rawQuery),
                    requestId);
        }
        KvsOperation op = KvsOperation.forPath(path);
        try {
            if (op == null) {
                throw new KvsError(
                        404, "UnknownOperationException", "Unknown operation " + path + ".");
            }
            requestCounts.incrementAndGet(op.ordinal());
            if (!op.method().equals(exchange.getRequestMethod())) {
                throw new KvsError(
                        405,
                        "MethodNotAllowedException",
                        op.path() + " only answers " + op.method() + ".");
            }
            serve(exchange, op, rawQuery);
        } catch (KvsError e) {
            if (op == KvsOperation.ASSUME_ROLE) {
                sendQueryError(exchange, e.status(), e.code(), e.getMessage(), requestId);
            } else {
                sendError(exchange, e.status(), e.code(), e.getMessage());
            }
        } catch (ConnectionReset e) {
            throw e; // lets HttpServer drop the connection mid-body
        } catch (RuntimeException e) {
            LOG.warn(
                    "LocalKvs failed to answer {} {} (request {})",
                    exchange.getRequestMethod(),
                    path,
                    requestId,
                    e);
            sendError(exchange, 500, "InternalFailure", "LocalKvs failed to answer the request.");
        }
    }

    /** The query string with session tokens masked, for logging. */
    @VisibleForTesting
    public static String redact(String rawQuery) {
        return SESSION_TOKEN.matcher(rawQuery).replaceAll("$1***");
    }

    private void serve(HttpExchange exchange, KvsOperation op, String rawQuery) throws IOException {
        Duration delay = faults.takeDelay(op);
        if (delay != null) {
            sleep(delay);
        }
        FaultPlan.Failure failure = faults.takeFailure(op);
        if (failure != null) {
            throw new KvsError(
                    failure.status(),
                    failure.errorCode(),
                    "Injected fault: " + failure.errorCode() + ".");
        }
        authorizer.authorize(
                op,
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
        byte[] body = readBody(exchange);
        Map<String, String> query = QueryString.parse(rawQuery);
        KvsResponse response = handlers.get(op).handle(new KvsRequest(op, query, body));
        if (op.isMediaFragment()) {
            Corruption corruption = faults.takeCorruption(query.get("FragmentNumber"));
            if (corruption != null) {
                response = response.withBody(corrupt(response.body(), corruption));
            }
        }
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        byte[] bytes = response.body();
        if (faults.takeReset(op)) {
            exchange.sendResponseHeaders(200, bytes.length);
            OutputStream out = exchange.getResponseBody();
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            throw new ConnectionReset();
        }
        send(exchange, 200, bytes);
    }

    private static byte[] corrupt(byte[] body, Corruption corruption) {
        if (corruption == Corruption.TRUNCATE) {
            return Arrays.copyOf(body, body.length / 2);
        }
        if (corruption == Corruption.OVERSIZED) {
            return Arrays.copyOf(body, body.length + (1 << 20));
        }
        byte[] garbage = new byte[body.length];
        new java.util.Random(body.length).nextBytes(garbage);
        return garbage;
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw KvsError.serialization("Content-Length is not a number.");
            }
            if (length > MAX_BODY_BYTES) {
                drain(in);
                throw tooLarge();
            }
        }
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            drain(in);
            throw tooLarge();
        }
        return body;
    }

    /**
     * Reads and drops a refused body (up to a bound) so the client, still sending, reads our answer
     * instead of a connection reset.
     */
    private static void drain(InputStream in) throws IOException {
        long skipped = 0;
        byte[] sink = new byte[64 * 1024];
        int n;
        while (skipped < MAX_DRAIN_BYTES && (n = in.read(sink)) > 0) {
            skipped += n;
        }
    }

    private static KvsError tooLarge() {
        return new KvsError(
                413,
                "RequestEntityTooLargeException",
                "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sendError(HttpExchange exchange, int status, String code, String message)
            throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", code + ERROR_TYPE_SUFFIX);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, JsonOut.singleField("Message", message));
    }

    /** An error in the AWS Query protocol's XML, as STS answers. */
    private static void sendQueryError(
            HttpExchange exchange, int status, String code, String message, String requestId)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        send(exchange, status, StsApi.errorXml(code, message, requestId));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        try {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } finally {
            exchange.close();
        }
    }

    /** Checks the credentials a request carries; throws {@link KvsError} to refuse it. */
    @FunctionalInterface
    public interface RequestAuthorizer {
        void authorize(KvsOperation operation, String authorization, String securityToken);
    }

    /** Thrown after half a body to make HttpServer close the connection without finishing it. */
    private static final class ConnectionReset extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConnectionReset() {
            super("Injected connection reset", null, false, false);
        }
    }
}
