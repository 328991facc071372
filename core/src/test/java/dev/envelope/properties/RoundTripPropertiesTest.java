package dev.envelope.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.testing.Messages;
import dev.envelope.testing.TestKeys;
import java.io.ByteArrayInputStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Encrypt then decrypt returns the input, for any plaintext, context, frame size and suite. */
class RoundTripPropertiesTest {
  private static final dev.envelope.Keyring KEYRING = TestKeys.aes256Keyring();

  @Provide
  Arbitrary<EncryptionContext> contexts() {
    return Generators.contexts(5);
  }

  @Property
  void encryptDecrypt_anyPlaintextContextFrameSizeSuite_returnsInput(
      @ForAll AlgorithmSuite suite,
      @ForAll boolean framed,
      @ForAll @IntRange(min = 1, max = 700) int frameSize,
      @ForAll @Size(max = 3000) byte[] plaintext,
      @ForAll("contexts") EncryptionContext context) {
    Envelope envelope =
        framed ? Messages.envelope(KEYRING, suite, frameSize) : Messages.nonFramedEnvelope(KEYRING, suite);
    byte[] message = envelope.encrypt(plaintext, context);

    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
    assertEquals(suite, header.algorithmSuite());
    assertEquals(framed ? frameSize : 0, header.frameLength());
    assertEquals(context, header.storedContext().removeKeys(java.util.Set.of(EncryptionContext.PUBLIC_KEY_FIELD)));

    Decrypted decrypted = envelope.decrypt(message, context);
    assertArrayEquals(plaintext, decrypted.plaintext());
    assertEquals(suite, decrypted.algorithmSuite());
    assertEquals(
        context.size() + (suite.isSigned() ? 1 : 0), decrypted.encryptionContext().size(), "context size");
    context.asMap().forEach((k, v) -> assertEquals(v, decrypted.encryptionContext().get(k).orElseThrow()));
    assertTrue(suite.isSigned() == decrypted.encryptionContext().containsKey(EncryptionContext.PUBLIC_KEY_FIELD));

    assertArrayEquals(
        plaintext, Messages.decryptStreaming(envelope, new ByteArrayInputStream(message), context));
    // Any subset of the stored pairs (here: none) is an acceptable expectation.
    assertArrayEquals(plaintext, envelope.decrypt(message, EncryptionContext.empty()).plaintext());
  }
}
