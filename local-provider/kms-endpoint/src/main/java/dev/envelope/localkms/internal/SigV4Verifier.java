package dev.envelope.localkms.internal;

import dev.envelope.localkms.KmsCredentials;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 ...} header form) as KMS
 * does, and answers with the errors KMS returns: {@code MissingAuthenticationTokenException} (no
 * signature), {@code IncompleteSignatureException} (a malformed Authorization header or no {@code
 * X-Amz-Date}), {@code UnrecognizedClientException} (unknown access key or session token), {@code
 * InvalidSignatureException} (wrong signature, wrong scope, or a request date more than the allowed
 * skew away from now).
 *
 * <p>The steps follow the SigV4 specification: canonical request (method, URI-encoded path, sorted
 * query, signed headers with trimmed values, SHA-256 of the payload), string to sign ({@code
 * AWS4-HMAC-SHA256}, request date, credential scope, hash of the canonical request), and the
 * signing key {@code HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request")}, all with the JCA's HmacSHA256. The region of the credential scope routes the
 * request, so one endpoint serves several Regions.
 *
 * <h2>Security guarantees</h2>
 *
 * Signatures are compared in constant time. The payload hash is always computed from the body
 * actually received ({@code UNSIGNED-PAYLOAD} is not accepted). Nothing secret appears in an error.
 * Not supported: presigned (query-string) requests and SigV4a.
 */
public final class SigV4Verifier {
  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String TERMINATOR = "aws4_request";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final String SIGNATURE_MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";
  private static final String INVALID_TOKEN =
      "The security token included in the request is invalid.";

  private final Map<String, KmsCredentials> credentials;
  private final Set<String> regions;
  private final String service;
  private final Duration maxSkew;
  private final Clock clock;

  /** Who signed a verified request, and for which Region. */
  public record Identity(KmsCredentials credentials, String region) {}

  /** The parts of an HTTP request that SigV4 covers. Header names are lower case. */
  public record SignedRequest(
      String method, URI uri, Map<String, List<String>> headers, byte[] body) {}

  public SigV4Verifier(
      Map<String, KmsCredentials> credentialsByAccessKey,
      Set<String> regions,
      String service,
      Duration maxSkew,
      Clock clock) {
    this.credentials = Map.copyOf(credentialsByAccessKey);
    this.regions = Set.copyOf(regions);
    this.service = service;
    this.maxSkew = maxSkew;
    this.clock = clock;
  }

  /**
   * Verifies the request's signature.
   *
   * @throws KmsException with the KMS error type if it does not verify
   */
  public Identity verify(SignedRequest request) {
    Checked checked = check(request.headers());
    Authorization auth = checked.auth();
    String[] scope = checked.scope();
    String amzDate = checked.amzDate();
    KmsCredentials creds = checked.identity().credentials();
    String canonicalRequest = canonicalRequest(request, auth.signedHeaders);
    String credentialScope = scope[1] + "/" + scope[2] + "/" + scope[3] + "/" + scope[4];
    String stringToSign =
        ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + credentialScope
            + "\n"
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] expected =
        hmac(signingKey(creds.secretAccessKey(), scope[1], scope[2], scope[3]), stringToSign);
    byte[] provided;
    try {
      provided = HexFormat.of().parseHex(auth.signature);
    } catch (IllegalArgumentException e) {
      throw invalid(SIGNATURE_MISMATCH);
    }
    if (!MessageDigest.isEqual(expected, provided)) {
      throw invalid(SIGNATURE_MISMATCH);
    }
    return checked.identity();
  }

  /**
   * Checks everything about the signature that the headers alone decide, before the body is read:
   * the Authorization header's form, a known access key and session token, the credential scope,
   * the request date within the allowed skew, and the signed headers ({@code host}, {@code
   * x-amz-date} and every {@code X-Amz-*} header present, {@code X-Amz-Target} included, so a
   * captured request cannot be pointed at another operation). {@link #verify} repeats it.
   *
   * @return who claims to sign, not yet proven
   * @throws KmsException with the KMS error type if the headers already fail
   */
  public Identity checkHeaders(Map<String, List<String>> headers) {
    return check(headers).identity();
  }

  private record Checked(Authorization auth, String[] scope, String amzDate, Identity identity) {}

  private Checked check(Map<String, List<String>> headers) {
    SignedRequest request = new SignedRequest(null, null, headers, null);
    String authorization = first(request.headers(), "authorization");
    if (authorization == null) {
      throw new KmsException("MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    Authorization auth = Authorization.parse(authorization);

    String amzDate = first(request.headers(), "x-amz-date");
    if (amzDate == null) {
      throw incomplete(
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
              + " Authorization="
              + ALGORITHM);
    }
    Instant requestTime;
    try {
      requestTime = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw incomplete("Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'.");
    }

    String[] scope = auth.credential.split("/", -1);
    if (scope.length != 5 || scope[0].isEmpty()) {
      throw incomplete(
          "Credential should be of the form ACCESS_KEY/DATE/REGION/SERVICE/aws4_request.");
    }
    KmsCredentials creds = credentials.get(scope[0]);
    if (creds == null) {
      throw new KmsException("UnrecognizedClientException", INVALID_TOKEN);
    }
    String date = amzDate.substring(0, 8);
    if (!scope[1].equals(date)) {
      throw invalid(
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
              + " HTTP: '"
              + scope[1]
              + "' != '"
              + date
              + "', from '"
              + amzDate
              + "'.");
    }
    if (!regions.contains(scope[2])) {
      throw invalid("Credential should be scoped to a valid region. ");
    }
    if (!scope[3].equals(service)) {
      throw invalid("Credential should be scoped to correct service: '" + service + "'. ");
    }
    if (!scope[4].equals(TERMINATOR)) {
      throw invalid(
          "Credential should be scoped with a valid terminator: 'aws4_request', not '"
              + scope[4]
              + "'. ");
    }

    Instant now = clock.instant();
    if (requestTime.isBefore(now.minus(maxSkew))) {
      throw invalid(
          "Signature expired: "
              + amzDate
              + " is now earlier than "
              + format(now.minus(maxSkew))
              + " ("
              + format(now)
              + " - "
              + skewText()
              + ".)");
    }
    if (requestTime.isAfter(now.plus(maxSkew))) {
      throw invalid(
          "Signature not yet current: "
              + amzDate
              + " is still later than "
              + format(now.plus(maxSkew))
              + " ("
              + format(now)
              + " + "
              + skewText()
              + ".)");
    }

    String token = first(request.headers(), "x-amz-security-token");
    if (creds.sessionToken() == null ? token != null : !creds.sessionToken().equals(token)) {
      throw new KmsException("UnrecognizedClientException", INVALID_TOKEN);
    }

    if (!auth.signedHeaders.contains("host")) {
      throw invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    if (!auth.signedHeaders.contains("x-amz-date")) {
      throw invalid("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
    }
    for (String name : request.headers().keySet()) {
      if (name.startsWith("x-amz-") && !auth.signedHeaders.contains(name)) {
        throw invalid(
            "'"
                + name
                + "' must be a 'SignedHeader' in the AWS Authorization: this endpoint requires"
                + " every X-Amz-* header of a request to be signed.");
      }
    }
    return new Checked(auth, scope, amzDate, new Identity(creds, scope[2]));
  }

  // spec: SigV4 "Create a canonical request"
  static String canonicalRequest(SignedRequest request, List<String> signedHeaders) {
    StringBuilder sb = new StringBuilder();
    sb.append(request.method()).append('\n');
    sb.append(canonicalUri(request.uri().getRawPath())).append('\n');
    sb.append(canonicalQuery(request.uri().getRawQuery())).append('\n');
    for (String name : signedHeaders) {
      List<String> values = request.headers().get(name);
      StringBuilder value = new StringBuilder();
      if (values != null) {
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            value.append(',');
          }
          value.append(values.get(i).strip().replaceAll(" +", " "));
        }
      }
      sb.append(name).append(':').append(value).append('\n');
    }
    sb.append('\n');
    sb.append(String.join(";", signedHeaders)).append('\n');
    sb.append(hex(sha256(request.body())));
    return sb.toString();
  }

  /** Normalized path, each segment URI-encoded again (non-S3 services encode twice). */
  private static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    List<String> out = new ArrayList<>();
    for (String segment : rawPath.split("/", -1)) {
      if (segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (out.size() > 1) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(uriEncode(segment));
    }
    String path = String.join("/", out);
    return path.startsWith("/") ? path : "/" + path;
  }

  private static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> params = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.add(new String[] {uriEncode(percentDecode(name)), uriEncode(percentDecode(value))});
    }
    params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder sb = new StringBuilder();
    for (String[] p : params) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(p[0]).append('=').append(p[1]);
    }
    return sb.toString();
  }

  /** RFC 3986 encoding of everything but unreserved characters, as SigV4 defines it. */
  static String uriEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        sb.append(c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  private static String percentDecode(String s) {
    try {
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  // spec: SigV4 "Calculate the signature": the derived signing key
  static byte[] signingKey(String secret, String date, String region, String service) {
    byte[] kDate = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    byte[] kRegion = hmac(kDate, region);
    byte[] kService = hmac(kRegion, service);
    return hmac(kService, TERMINATOR);
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available from the JCA: " + e, e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available from the JCA: " + e, e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private String format(Instant instant) {
    return AMZ_DATE.format(instant.atOffset(ZoneOffset.UTC));
  }

  private String skewText() {
    long minutes = maxSkew.toMinutes();
    return minutes * 60 == maxSkew.toSeconds() ? minutes + " min" : maxSkew.toSeconds() + " sec";
  }

  private static KmsException incomplete(String message) {
    return new KmsException("IncompleteSignatureException", message);
  }

  private static KmsException invalid(String message) {
    return new KmsException("InvalidSignatureException", message);
  }

  /** The parsed {@code Authorization} header. */
  private static final class Authorization {
    final String credential;
    final List<String> signedHeaders;
    final String signature;

    private Authorization(String credential, List<String> signedHeaders, String signature) {
      this.credential = credential;
      this.signedHeaders = signedHeaders;
      this.signature = signature;
    }

    static Authorization parse(String header) {
      String h = header.strip();
      int space = h.indexOf(' ');
      String algorithm = space < 0 ? h : h.substring(0, space);
      if (!algorithm.equals(ALGORITHM)) {
        throw incomplete(
            "Authorization header requires 'Credential' parameter. Authorization header requires"
                + " 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."
                + " Unsupported AWS 'algorithm': '"
                + abbreviate(algorithm)
                + "'.");
      }
      Map<String, String> parts = new LinkedHashMap<>();
      for (String part : h.substring(space + 1).split(",")) {
        String p = part.strip();
        int eq = p.indexOf('=');
        if (eq > 0) {
          parts.putIfAbsent(p.substring(0, eq), p.substring(eq + 1));
        }
      }
      StringBuilder missing = new StringBuilder();
      for (String required : List.of("Credential", "Signature", "SignedHeaders")) {
        if (parts.get(required) == null || parts.get(required).isEmpty()) {
          missing
              .append("Authorization header requires '")
              .append(required)
              .append("' parameter. ");
        }
      }
      if (missing.length() > 0) {
        throw incomplete(missing + "Authorization=" + ALGORITHM);
      }
      List<String> signed = List.of(parts.get("SignedHeaders").split(";", -1));
      for (String name : signed) {
        if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
          throw incomplete("SignedHeaders must be lower-case header names separated by ';'.");
        }
      }
      return new Authorization(parts.get("Credential"), signed, parts.get("Signature"));
    }

    private static String abbreviate(String s) {
      return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
  }
}
