package dev.envelope.internal.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.envelope.AlgorithmSuite.Signing;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.internal.crypto.EcKeys;
import dev.envelope.internal.crypto.Ecdsa;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Wycheproof ECDSA verification vector for P-256/SHA-256 and P-384/SHA-384 with DER
 * signatures (src/test/resources/wycheproof, Apache-2.0), through the path a message's signature
 * takes: the public key as a message carries it (compressed, Base64, decoded by {@link EcKeys}),
 * the verifier {@link MessageReader} builds and its check, once per ECDSA engine present. Valid
 * vectors must verify; every invalid one (BER and other non-DER encodings, r or s out of range,
 * edge cases of the arithmetic, wrong signatures) must fail as an authentication failure and as
 * nothing else.
 */
class WycheproofEcdsaTest {
  /**
   * The JDK 17 SunEC's known deviations, tolerated for {@link Ecdsa.Engine#JDK} only (and only
   * these): it accepts an s whose DER encoding lacks the leading zero byte (a second encoding of a
   * valid signature, no forgery), and it rejects the valid signatures whose k·G has an x
   * coordinate at or above the group order (probability below 2^-128 for honest signers). Bouncy
   * Castle, the default engine where SunEC is the JDK's, gets every vector right.
   */
  static final List<String> SUNEC_17_DEVIATIONS =
      List.of(
          "Legacy: ASN encoding of s misses leading 0",
          "k*G has a large x-coordinate",
          "r = 2, x = n + 2 is the smallest possible x with a reduction",
          "r = 3, x = n + 3 is the smallest possible x with a reduction");

  static Stream<Arguments> enginesAndFiles() {
    List<Arguments> cases = new ArrayList<>();
    for (Ecdsa.Engine engine : availableEngines()) {
      cases.add(Arguments.of(engine, Signing.ECDSA_P256_SHA256, "ecdsa_secp256r1_sha256_test.json", 484));
      cases.add(Arguments.of(engine, Signing.ECDSA_P384_SHA384, "ecdsa_secp384r1_sha384_test.json", 504));
    }
    return cases.stream();
  }

  /** The JDK and Bouncy Castle always; ACCP when it is on the class path and loads. */
  static List<Ecdsa.Engine> availableEngines() {
    List<Ecdsa.Engine> engines = new ArrayList<>(List.of(Ecdsa.Engine.JDK, Ecdsa.Engine.BOUNCY_CASTLE));
    try {
      Ecdsa.Engine.ACCP.signature("SHA384withECDSA");
      engines.add(Ecdsa.Engine.ACCP);
    } catch (IllegalStateException absent) {
      // Not on this class path.
    }
    return engines;
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("enginesAndFiles")
  void verify_everyWycheproofVector_acceptsExactlyTheValidOnes(
      Ecdsa.Engine engine, Signing signing, String file, int expectedCount) throws IOException {
    JsonObject root = load(file);
    assertEquals("ECDSA", root.get("algorithm").getAsString());
    List<String> wrong = new ArrayList<>();
    int run = 0;
    int valid = 0;
    for (JsonElement g : root.getAsJsonArray("testGroups")) {
      JsonObject group = g.getAsJsonObject();
      assertEquals(signing.digestAlgorithm(), group.get("sha").getAsString());
      ECPublicKey key = EcKeys.decodePublicKey(compressed(group.getAsJsonObject("publicKey"), signing), signing);
      for (JsonElement t : group.getAsJsonArray("tests")) {
        JsonObject test = t.getAsJsonObject();
        String result = test.get("result").getAsString();
        assertTrue(result.equals("valid") || result.equals("invalid"), "unexpected result " + result);
        boolean expectValid = result.equals("valid");
        String outcome = verify(engine, signing, key, hex(test, "msg"), hex(test, "sig"));
        String comment = test.get("comment").getAsString();
        boolean tolerated = engine == Ecdsa.Engine.JDK && SUNEC_17_DEVIATIONS.stream().anyMatch(comment::startsWith);
        if (expectValid != outcome.equals("verified") && !tolerated) {
          wrong.add("tcId " + test.get("tcId").getAsInt() + " (" + result + ", "
              + comment + "): " + outcome);
        }
        run++;
        valid += expectValid ? 1 : 0;
      }
    }
    assertEquals(expectedCount, run, "vectors run");
    assertTrue(valid > 0 && valid < run, "both valid and invalid vectors ran");
    assertTrue(wrong.isEmpty(), engine + " got " + wrong.size() + " of " + run + " wrong: " + wrong);
  }

  /** "verified", "rejected", or the unexpected exception that escaped. */
  private static String verify(Ecdsa.Engine engine, Signing signing, ECPublicKey key, byte[] msg, byte[] sig) {
    try {
      Signature verifier = MessageReader.verifier(engine, signing, key);
      verifier.update(msg);
      MessageReader.checkSignature(verifier, sig);
      return "verified";
    } catch (AuthenticationFailedException expected) {
      return "rejected";
    } catch (Exception | Error e) {
      return "threw " + e;
    }
  }

  /** The group's key as a message carries it: SEC 1 compressed point, Base64. */
  private static String compressed(JsonObject publicKey, Signing signing) {
    BigInteger x = new BigInteger(publicKey.get("wx").getAsString(), 16);
    BigInteger y = new BigInteger(publicKey.get("wy").getAsString(), 16);
    int n = signing.fieldLength();
    byte[] out = new byte[1 + n];
    out[0] = (byte) (y.testBit(0) ? 3 : 2);
    byte[] xb = x.toByteArray();
    int copy = Math.min(xb.length, n);
    System.arraycopy(xb, xb.length - copy, out, 1 + n - copy, copy);
    return Base64.getEncoder().encodeToString(out);
  }

  private static byte[] hex(JsonObject test, String field) {
    return HexFormat.of().parseHex(test.get(field).getAsString());
  }

  private static JsonObject load(String file) throws IOException {
    try (InputStream in = WycheproofEcdsaTest.class.getResourceAsStream("/wycheproof/" + file)) {
      assertTrue(in != null, "missing test resource wycheproof/" + file);
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

}
