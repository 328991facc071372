package dev.envelope.localkms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.localkms.KmsCredentials;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Known answers from the AWS Signature Version 4 documentation and test suite (example credentials
 * AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY).
 */
class SigV4VerifierTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final KmsCredentials EXAMPLE = KmsCredentials.of("AKIDEXAMPLE", SECRET);
  private static final Clock AT =
      Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

  private static SigV4Verifier verifier(Duration skew) {
    return new SigV4Verifier(
        Map.of("AKIDEXAMPLE", EXAMPLE), Set.of("us-east-1"), "service", skew, AT);
  }

  private static SigV4Verifier.SignedRequest vanilla(String method, String signature) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("host", List.of("example.amazonaws.com"));
    headers.put("x-amz-date", List.of("20150830T123600Z"));
    headers.put(
        "authorization",
        List.of(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
                + "us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature="
                + signature));
    return new SigV4Verifier.SignedRequest(
        method, URI.create("http://example.amazonaws.com/"), headers, new byte[0]);
  }

  @Test
  void signingKey_matchesTheDocumentedDerivation() {
    assertEquals(
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d",
        HexFormat.of().formatHex(SigV4Verifier.signingKey(SECRET, "20120215", "us-east-1", "iam")));
  }

  @Test
  void getVanilla_fromTheTestSuite_verifies() {
    SigV4Verifier.Identity id =
        verifier(Duration.ofMinutes(5))
            .verify(
                vanilla("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
    assertEquals("us-east-1", id.region());
    assertEquals("AKIDEXAMPLE", id.credentials().accessKeyId());
  }

  @Test
  void postVanilla_fromTheTestSuite_verifies() {
    verifier(Duration.ofMinutes(5))
        .verify(
            vanilla("POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
  }

  @Test
  void canonicalRequest_ofGetVanilla_isTheDocumentedOne() {
    assertEquals(
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            + "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        SigV4Verifier.canonicalRequest(vanilla("GET", "00"), List.of("host", "x-amz-date")));
  }

  @Test
  void getVanilla_withOneSignatureDigitChanged_failsInvalidSignature() {
    KmsException e =
        assertThrows(
            KmsException.class,
            () ->
                verifier(Duration.ofMinutes(5))
                    .verify(
                        vanilla(
                            "GET",
                            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf32")));
    assertEquals("InvalidSignatureException", e.errorType());
  }

  @Test
  void getVanilla_tenMinutesLater_failsSignatureExpiredWithTheAwsWording() {
    SigV4Verifier late =
        new SigV4Verifier(
            Map.of("AKIDEXAMPLE", EXAMPLE),
            Set.of("us-east-1"),
            "service",
            Duration.ofMinutes(5),
            Clock.fixed(Instant.parse("2015-08-30T12:46:00Z"), ZoneOffset.UTC));
    KmsException e =
        assertThrows(
            KmsException.class,
            () ->
                late.verify(
                    vanilla(
                        "GET",
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")));
    assertEquals("InvalidSignatureException", e.errorType());
    assertEquals(
        "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z"
            + " (20150830T124600Z - 5 min.)",
        e.getMessage());
  }

  @Test
  void canonicalHeaders_trimAndCollapseSpaces_andJoinRepeatedHeaders() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("my-header1", List.of("  value1  "));
    headers.put("my-header2", List.of("a   b   c", "d"));
    var request =
        new SigV4Verifier.SignedRequest(
            "POST",
            URI.create("http://h/a/./b/../c?b=2&a=1"),
            headers,
            "x".getBytes(StandardCharsets.UTF_8));
    String canonical = SigV4Verifier.canonicalRequest(request, List.of("my-header1", "my-header2"));
    assertEquals(
        "POST\n/a/c\na=1&b=2\nmy-header1:value1\nmy-header2:a b c,d\n\n"
            + "my-header1;my-header2\n"
            + "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
        canonical);
  }

  @Test
  void uriEncode_keepsUnreservedOnly() {
    assertEquals("a-_.~%20%2F%C3%A9", SigV4Verifier.uriEncode("a-_.~ /é"));
  }

  @Test
  void signedHeaders_withoutXAmzDateOrWithAnUnsignedXAmzHeader_failInvalidSignatureBeforeTheSignature() {
    SigV4Verifier v = verifier(Duration.ofMinutes(5));
    SigV4Verifier.SignedRequest onlyHost = vanilla("POST", "00");
    onlyHost.headers().put("authorization", List.of(onlyHost.headers().get("authorization").get(0)
        .replace("SignedHeaders=host;x-amz-date", "SignedHeaders=host")));
    KmsException noDate = assertThrows(KmsException.class, () -> v.checkHeaders(onlyHost.headers()));
    assertEquals("InvalidSignatureException", noDate.errorType());
    assertTrue(noDate.getMessage().contains("'X-Amz-Date' must be a 'SignedHeader'"), noDate.getMessage());

    SigV4Verifier.SignedRequest unsignedTarget = vanilla("POST", "00");
    unsignedTarget.headers().put("x-amz-target", List.of("TrentService.ScheduleKeyDeletion"));
    KmsException target = assertThrows(KmsException.class, () -> v.verify(unsignedTarget));
    assertEquals("InvalidSignatureException", target.errorType());
    assertTrue(target.getMessage().contains("'x-amz-target' must be a 'SignedHeader'"), target.getMessage());
  }
}
