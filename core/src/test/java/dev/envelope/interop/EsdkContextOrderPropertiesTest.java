package dev.envelope.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.encryptionsdk.ParsedCiphertext;
import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.testing.Esdk;
import dev.envelope.testing.Esdk.MatchedKey;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The canonical context encoding is the ESDK's, byte for byte: interop alone would not show a
 * different pair order, because the header tag covers the bytes as written whatever their order.
 * For random contexts (control characters, the BMP above the surrogates, supplementary planes) the
 * AAD field of an ESDK-written header equals {@link EncryptionContext#toCanonicalBytes()}, and the
 * ESDK parses Envelope's header to the same map.
 */
class EsdkContextOrderPropertiesTest {
  private static final MatchedKey AES = Esdk.rawAes("envelope-interop", "aes-256", TestKeys.sequentialKey(32));
  private static final AlgorithmSuite SUITE = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
  private static final Envelope ENVELOPE = Messages.envelope(AES.keyring(), SUITE, 64);

  @Provide
  Arbitrary<EncryptionContext> contexts() {
    Arbitrary<Integer> codePoint =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.integers().between(0x01, 0x7F),
                Arbitraries.integers().between(0x80, 0xD7FF),
                Arbitraries.integers().between(0xE000, 0xFFFF),
                Arbitraries.integers().between(0x10000, 0x10FFFF)));
    Arbitrary<String> text =
        codePoint.list().ofMinSize(1).ofMaxSize(4).map(cps -> {
          StringBuilder s = new StringBuilder();
          cps.forEach(s::appendCodePoint);
          return s.toString();
        });
    return Arbitraries.maps(text.filter(k -> !k.startsWith("aws-crypto-")), text)
        .ofMinSize(1)
        .ofMaxSize(8)
        .map(EncryptionContext::from);
  }

  @Property
  void headerAad_esdkAndEnvelope_areIdentical(@ForAll("contexts") EncryptionContext context) {
    byte[] esdkMessage = Esdk.encrypt(AES.masterKey(), SUITE, 64, new byte[3], context);
    int aadLength = ((esdkMessage[35] & 0xFF) << 8) | (esdkMessage[36] & 0xFF);
    assertArrayEquals(context.toCanonicalBytes(), Arrays.copyOfRange(esdkMessage, 37, 37 + aadLength));

    byte[] ours = ENVELOPE.encrypt(new byte[3], context);
    Map<String, String> parsed = new ParsedCiphertext(ours).getEncryptionContextMap();
    assertEquals(context.asMap(), parsed);
    assertArrayEquals(
        Arrays.copyOfRange(esdkMessage, 35, 37 + aadLength), Arrays.copyOfRange(ours, 35, 37 + aadLength));
  }
}
