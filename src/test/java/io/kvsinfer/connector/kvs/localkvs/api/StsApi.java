package io.kvsinfer.connector.kvs.localkvs.api;

import io.kvsinfer.connector.kvs.localkvs.KvsOperation;
import io.kvsinfer.connector.kvs.localkvs.http.KvsError;
import io.kvsinfer.connector.kvs.localkvs.http.KvsHandler;
import io.kvsinfer.connector.kvs.localkvs.http.KvsRequest;
import io.kvsinfer.connector.kvs.localkvs.http.KvsResponse;
import io.kvsinfer.connector.kvs.localkvs.http.QueryString;
import io.kvsinfer.connector.kvs.localkvs.iam.AssumableRoles;

import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;

/** STS's AssumeRole over the AWS Query protocol: a form-encoded POST answered in XML. */
@Internal
public final class StsApi {

    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    private final AssumableRoles roles;

    public StsApi(AssumableRoles roles) {
        this.roles = roles;
    }

    public void register(Map<KvsOperation, KvsHandler> handlers) {
        handlers.put(KvsOperation.ASSUME_ROLE, this::assumeRole);
    }

    private KvsResponse assumeRole(KvsRequest request) {
        Map<String, String> form =
                QueryString.parse(new String(request.body(), StandardCharsets.UTF_8));
        if (!"AssumeRole".equals(form.get("Action"))) {
            throw new KvsError(
                    400,
                    "InvalidAction",
                    "LocalKvs's STS answers only Action=AssumeRole, not "
                            + form.get("Action")
                            + ".");
        }
        AssumableRoles.Issued credentials =
                roles.assume(
                        form.get("RoleArn"),
                        form.get("RoleSessionName"),
                        form.get("ExternalId"),
                        form.get("DurationSeconds"));
        String roleName = credentials.roleArn.substring(credentials.roleArn.indexOf(":role/") + 6);
        String account = credentials.roleArn.split(":")[4];
        String xml =
                "<AssumeRoleResponse xmlns=\""
                        + NAMESPACE
                        + "\">"
                        + "<AssumeRoleResult>"
                        + "<Credentials>"
                        + "<AccessKeyId>"
                        + credentials.accessKeyId
                        + "</AccessKeyId>"
                        + "<SecretAccessKey>"
                        + credentials.secretAccessKey()
                        + "</SecretAccessKey>"
                        + "<SessionToken>"
                        + credentials.sessionToken()
                        + "</SessionToken>"
                        + "<Expiration>"
                        + DateTimeFormatter.ISO_INSTANT.format(credentials.expiration)
                        + "</Expiration>"
                        + "</Credentials>"
                        + "<AssumedRoleUser>"
                        + "<AssumedRoleId>AROA"
                        + credentials.accessKeyId.substring(4)
                        + ":"
                        + credentials.sessionName
                        + "</AssumedRoleId>"
                        + "<Arn>arn:aws:sts::"
                        + account
                        + ":assumed-role/"
                        + roleName
                        + "/"
                        + credentials.sessionName
                        + "</Arn>"
                        + "</AssumedRoleUser>"
                        + "</AssumeRoleResult>"
                        + "<ResponseMetadata><RequestId>"
                        + UUID.randomUUID()
                        + "</RequestId></ResponseMetadata>"
                        + "</AssumeRoleResponse>";
        return new KvsResponse("text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    /** An STS error answer body. */
    public static byte[] errorXml(String code, String message, String requestId) {
        String xml =
                "<ErrorResponse xmlns=\""
                        + NAMESPACE
                        + "\"><Error><Type>Sender</Type><Code>"
                        + escape(code)
                        + "</Code><Message>"
                        + escape(message)
                        + "</Message></Error><RequestId>"
                        + requestId
                        + "</RequestId></ErrorResponse>";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String text) {
        return String.valueOf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
