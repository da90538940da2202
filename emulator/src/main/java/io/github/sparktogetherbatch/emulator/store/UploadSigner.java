package io.github.sparktogetherbatch.emulator.store;

import io.github.sparktogetherbatch.emulator.http.FormCodec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Presigned-URL lookalike for the upload PUT: S3-style query parameters with an HMAC signature. */
public final class UploadSigner {
  static final long EXPIRES_SECONDS = 3600;
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private final byte[] secret = new byte[32];

  /** A signer with a fresh random secret. */
  public UploadSigner() {
    new SecureRandom().nextBytes(secret);
  }

  /** Path and query of the signed URL for an upload key. */
  public String signedPathAndQuery(String key) {
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
    String date = AMZ_DATE.format(now);
    String credential = "EMULATORACCESSKEY/" + date.substring(0, 8) + "/auto/s3/aws4_request";
    String expires = Long.toString(EXPIRES_SECONDS);
    String sig = sign(key, date, expires, credential);
    return "/_upload/"
        + key
        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        + "&X-Amz-Credential="
        + FormCodec.encode(credential)
        + "&X-Amz-Date="
        + date
        + "&X-Amz-Expires="
        + expires
        + "&X-Amz-SignedHeaders=host"
        + "&x-id=PutObject"
        + "&X-Amz-Signature="
        + sig;
  }

  /** Null when the query signs this key and has not expired; else {code, message}. */
  public String[] verify(String key, Map<String, String> query) {
    String sig = query.get("X-Amz-Signature");
    String date = query.get("X-Amz-Date");
    String expires = query.get("X-Amz-Expires");
    String credential = query.get("X-Amz-Credential");
    if (sig == null
        || date == null
        || expires == null
        || credential == null
        || !"AWS4-HMAC-SHA256".equals(query.get("X-Amz-Algorithm"))) {
      return new String[] {
        "AccessDenied",
        "Query-string authentication requires the X-Amz-Algorithm, "
            + "X-Amz-Credential, X-Amz-Date, X-Amz-Expires and X-Amz-Signature parameters"
      };
    }
    String expected = sign(key, date, expires, credential);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII))) {
      return new String[] {
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided."
      };
    }
    try {
      Instant signedAt = LocalDateTime.parse(date, AMZ_DATE).toInstant(ZoneOffset.UTC);
      if (Instant.now().isAfter(signedAt.plusSeconds(Long.parseLong(expires)))) {
        return new String[] {"AccessDenied", "Request has expired"};
      }
    } catch (DateTimeParseException | NumberFormatException e) {
      return new String[] {
        "AuthorizationQueryParametersError", "Invalid X-Amz-Date or X-Amz-Expires"
      };
    }
    return null;
  }

  private String sign(String key, String date, String expires, String credential) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      String toSign = key + '\n' + date + '\n' + expires + '\n' + credential;
      return HexFormat.of().formatHex(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
