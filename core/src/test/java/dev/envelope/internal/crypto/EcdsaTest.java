package dev.envelope.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite.Signing;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ECDSA engine rule and that every engine reads what every other writes. */
class EcdsaTest {
  private static final List<Ecdsa.Engine> PRESENT = List.of(Ecdsa.Engine.JDK, Ecdsa.Engine.BOUNCY_CASTLE);

  @Test
  void auto_accpChosen_usesAccp() {
    assertEquals(Ecdsa.Engine.ACCP, Ecdsa.auto(true, true, 17));
    assertEquals(Ecdsa.Engine.ACCP, Ecdsa.auto(true, false, 30));
  }

  @Test
  void auto_sunEcOnMeasuredJdks_usesBouncyCastle() {
    assertEquals(Ecdsa.Engine.BOUNCY_CASTLE, Ecdsa.auto(false, true, 17));
    assertEquals(Ecdsa.Engine.BOUNCY_CASTLE, Ecdsa.auto(false, true, 21));
    assertEquals(Ecdsa.Engine.BOUNCY_CASTLE, Ecdsa.auto(false, true, Ecdsa.LAST_JDK_WITH_SLOWER_SUNEC));
  }

  @Test
  void auto_unmeasuredJdkOrInstalledProvider_keepsTheJdks() {
    assertEquals(Ecdsa.Engine.JDK, Ecdsa.auto(false, true, Ecdsa.LAST_JDK_WITH_SLOWER_SUNEC + 1));
    assertEquals(Ecdsa.Engine.JDK, Ecdsa.auto(false, false, 17), "a FIPS or other provider installed first wins");
  }

  @Test
  void engine_thisProcess_followsTheRule() {
    // No ACCP on core's test class path and no property set: the JDK 17+ rule applies.
    boolean sunEc = "SunEC".equals(jdkEcdsaProviderName());
    assertEquals(Ecdsa.auto(false, sunEc, Runtime.version().feature()), Ecdsa.engine());
  }

  @Test
  void parse_namedEngines_inAnyCase() {
    assertEquals(Ecdsa.Engine.JDK, Ecdsa.parse("jdk"));
    assertEquals(Ecdsa.Engine.BOUNCY_CASTLE, Ecdsa.parse(" BC "));
    assertEquals(Ecdsa.Engine.ACCP, Ecdsa.parse("Accp"));
    assertEquals(Ecdsa.engine(), Ecdsa.parse("auto"));
  }

  @Test
  void parse_unknownValue_throwsNamingTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ecdsa.parse("sunec"));
    assertTrue(e.getMessage().contains("auto, jdk, bc or accp"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Signing.class, names = {"ECDSA_P256_SHA256", "ECDSA_P384_SHA384"})
  void signVerify_everyPairOfEngines_interoperates(Signing signing) throws Exception {
    byte[] message = "header and body".getBytes(StandardCharsets.UTF_8);
    for (Ecdsa.Engine keys : PRESENT) {
      KeyPairGenerator generator = keys.keyPairGenerator();
      generator.initialize(new ECGenParameterSpec(signing.curveName()), Jca.random());
      KeyPair pair = generator.generateKeyPair();
      // The key as a reader gets it: through the message's compressed encoding.
      ECPublicKey decoded =
          EcKeys.decodePublicKey(EcKeys.encodePublicKey((ECPublicKey) pair.getPublic(), signing), signing);
      for (Ecdsa.Engine signer : PRESENT) {
        Signature s = signer.signature(signing.signatureAlgorithm());
        s.initSign(pair.getPrivate(), Jca.random());
        s.update(message);
        byte[] signature = s.sign();
        assertTrue(signature.length <= signing.maxSignatureLength(), "DER length " + signature.length);
        assertEquals(0x30, signature[0] & 0xff, "a DER SEQUENCE");
        for (Ecdsa.Engine verifier : PRESENT) {
          Signature v = verifier.signature(signing.signatureAlgorithm());
          v.initVerify(decoded);
          v.update(message);
          assertTrue(v.verify(signature), keys + " key, " + signer + " signed, " + verifier + " verified");
          v.initVerify(decoded);
          v.update(message, 1, message.length - 1);
          assertFalse(v.verify(signature), verifier + " accepted a signature over other bytes");
        }
      }
    }
  }

  @Test
  void generate_defaultEngine_givesKeysOnTheSuitesCurve() {
    for (Signing signing : new Signing[] {Signing.ECDSA_P256_SHA256, Signing.ECDSA_P384_SHA384}) {
      ECPublicKey key = (ECPublicKey) EcKeys.generate(signing).getPublic();
      assertEquals(signing.fieldLength() * 8, key.getParams().getCurve().getField().getFieldSize());
    }
  }

  private static String jdkEcdsaProviderName() {
    try {
      return Signature.getInstance("SHA384withECDSA").getProvider().getName();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
