package io.kvsinfer.connector.kvs.localkvs.iam;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.Preconditions;

import javax.annotation.Nullable;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LocalKvs's STS: roles that may be assumed (optionally only with an external id), the temporary
 * credentials it issued, and, once a role is required, the check that every KVS API call is signed
 * with unexpired credentials of that role. It checks the access key id and the session token a
 * request carries, not the SigV4 signature itself.
 */
@PublicEvolving
public final class AssumableRoles {

    /** What AWS accepts as a role ARN (any partition), for clear errors. */
    static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern ACCESS_KEY_IN_AUTHORIZATION =
            Pattern.compile("Credential=([A-Z0-9]{16,128})/");
    private static final Duration MIN_DURATION = Duration.ofSeconds(900);
    private static final Duration MAX_DURATION = Duration.ofHours(12);

    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AllowedRole> allowed = new ConcurrentHashMap<>();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final AtomicLong assumeRoleCalls = new AtomicLong();
    private final AtomicLong refusedRequests = new AtomicLong();
    private volatile String requiredRole;
    private volatile Duration lifetimeCap = MAX_DURATION;

    public AssumableRoles(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * Lets callers assume {@code roleArn}; with an {@code externalId}, only callers that give it.
     */
    public AssumableRoles allow(String roleArn, @Nullable String externalId) {
        Preconditions.checkArgument(
                ROLE_ARN.matcher(roleArn).matches(), "not a role ARN: %s", roleArn);
        allowed.put(roleArn, new AllowedRole(externalId));
        return this;
    }

    /**
     * From now on, every KVS API call must be signed with unexpired credentials of {@code roleArn}.
     */
    public AssumableRoles requireForKvs(String roleArn) {
        Preconditions.checkArgument(
                allowed.containsKey(roleArn), "role %s is not allowed yet", roleArn);
        this.requiredRole = roleArn;
        return this;
    }

    /**
     * Issues credentials that expire after at most {@code lifetime}, even below AWS's 15 minute
     * minimum, so that tests see credentials refreshed within seconds.
     */
    public AssumableRoles capLifetime(Duration lifetime) {
        Preconditions.checkArgument(
                !lifetime.isNegative() && !lifetime.isZero(), "lifetime must be positive");
        this.lifetimeCap = lifetime;
        return this;
    }

    /** How many AssumeRole calls succeeded. */
    public long assumeRoleCalls() {
        return assumeRoleCalls.get();
    }

    /** How many KVS API calls were refused for their credentials. */
    public long refusedRequests() {
        return refusedRequests.get();
    }

    /** Every secret access key and session token issued so far, for tests that look for leaks. */
    public Set<String> issuedSecrets() {
        Set<String> secrets = new HashSet<>();
        for (Issued credentials : issued.values()) {
            secrets.add(credentials.secretAccessKey);
            secrets.add(credentials.sessionToken);
        }
        return secrets;
    }

    /** Temporary credentials for {@code roleArn}; throws the error STS would answer. */
    public Issued assume(
            String roleArn,
            String sessionName,
            @Nullable String externalId,
            @Nullable String durationSeconds) {
        if (roleArn == null || !ROLE_ARN.matcher(roleArn).matches()) {
            throw validation(
                    "Value '"
                            + roleArn
                            + "' at 'roleArn' failed to satisfy constraint: must be a role ARN");
        }
        if (sessionName == null || !SESSION_NAME.matcher(sessionName).matches()) {
            throw validation(
                    "Value '"
                            + sessionName
                            + "' at 'roleSessionName' failed to satisfy constraint: Member must"
                            + " satisfy regular expression pattern: [\\w+=,.@-]*, length 2 to 64");
        }
        Duration duration = parseDuration(durationSeconds);
        AllowedRole role = allowed.get(roleArn);
        if (role == null || (role.externalId != null && !role.externalId.equals(externalId))) {
            throw new KvsError(
                    403,
                    "AccessDenied",
                    "User is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
        }
        Instant expiration =
                clock.instant().plus(duration.compareTo(lifetimeCap) < 0 ? duration : lifetimeCap);
        Issued credentials =
                new Issued(
                        roleArn,
                        sessionName,
                        "ASIA" + randomUpper(16),
                        randomToken(30),
                        randomToken(96),
                        expiration);
        issued.put(credentials.accessKeyId, credentials);
        assumeRoleCalls.incrementAndGet();
        return credentials;
    }

    /** Checks the credentials of a KVS API call once a role is required. */
    public void authorize(
            KvsOperation operation,
            @Nullable String authorization,
            @Nullable String securityToken) {
        String role = requiredRole;
        if (role == null || operation.isHls() || operation == KvsOperation.ASSUME_ROLE) {
            return;
        }
        Matcher key = ACCESS_KEY_IN_AUTHORIZATION.matcher(Objects.toString(authorization, ""));
        Issued credentials = key.find() ? issued.get(key.group(1)) : null;
        if (credentials == null || !credentials.sessionToken.equals(securityToken)) {
            throw refuse(
                    403,
                    "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
        }
        if (!clock.instant().isBefore(credentials.expiration)) {
            throw refuse(
                    403,
                    "ExpiredTokenException",
                    "The security token included in the request is expired.");
        }
        if (!credentials.roleArn.equals(role)) {
            throw refuse(
                    403,
                    "AccessDeniedException",
                    "User: assumed role "
                            + credentials.roleArn
                            + " is not authorized to perform: kinesisvideo:"
                            + operation.name());
        }
    }

    private KvsError refuse(int status, String code, String message) {
        refusedRequests.incrementAndGet();
        return new KvsError(status, code, message);
    }

    private static Duration parseDuration(@Nullable String durationSeconds) {
        if (durationSeconds == null) {
            return Duration.ofHours(1);
        }
        try {
            Duration duration = Duration.ofSeconds(Long.parseLong(durationSeconds));
            if (duration.compareTo(MIN_DURATION) >= 0 && duration.compareTo(MAX_DURATION) <= 0) {
                return duration;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw validation(
                "Value '"
                        + durationSeconds
                        + "' at 'durationSeconds' failed to satisfy constraint:"
                        + " Member must have value between 900 and 43200");
    }

    private static KvsError validation(String message) {
        return new KvsError(400, "ValidationError", message);
    }

    private String randomUpper(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private String randomToken(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getEncoder().withoutPadding().encodeToString(raw);
    }

    /** An allowed role's external id, if it needs one. */
    private static final class AllowedRole {
        @Nullable final String externalId;

        AllowedRole(@Nullable String externalId) {
            this.externalId = externalId;
        }
    }

    /** Temporary credentials issued by AssumeRole. */
    public static final class Issued {
        public final String roleArn;
        public final String sessionName;
        public final String accessKeyId;
        final String secretAccessKey;
        final String sessionToken;
        public final Instant expiration;

        Issued(
                String roleArn,
                String sessionName,
                String accessKeyId,
                String secretAccessKey,
                String sessionToken,
                Instant expiration) {
            this.roleArn = roleArn;
            this.sessionName = sessionName;
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            this.sessionToken = sessionToken;
            this.expiration = expiration;
        }

        public String secretAccessKey() {
            return secretAccessKey;
        }

        public String sessionToken() {
            return sessionToken;
        }
    }
}
