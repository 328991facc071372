package dev.envelope.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.CommitmentPolicy;
import dev.envelope.DataKey;
import dev.envelope.Decrypted;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.internal.crypto.MessageKeys;
import dev.envelope.internal.format.HeaderCodec;
import dev.envelope.internal.format.MessageInput;
import dev.envelope.testing.Messages;
import dev.envelope.testing.StaticKeyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Vectors that give the plaintext data key directly, injected through a {@link StaticKeyring}:
 * the key-commitment vectors of ESDK-Java/Python (41 must decrypt, 5 carry a wrong commitment and
 * must fail authentication) and the Python decrypt-oracle vectors ({@code null} and {@code
 * test_counting} key providers). One dynamic test per case; exact counts asserted.
 */
class StaticDataKeyVectorsTest {
  private static final Base64.Decoder B64 = Base64.getDecoder();

  @TestFactory
  Stream<DynamicTest> commitmentVectors_everyCase_matchesItsStatus() {
    JsonObject root =
        VectorResources.json(VectorResources.file("static-data-key", "commitment-test-vectors.json"))
            .getAsJsonObject();
    JsonArray cases = root.getAsJsonArray("tests");
    List<DynamicTest> tests = new ArrayList<>();
    int passing = 0;
    for (int i = 0; i < cases.size(); i++) {
      JsonObject test = cases.get(i).getAsJsonObject();
      boolean status = test.get("status").getAsBoolean();
      passing += status ? 1 : 0;
      String name = "#" + (i + 1) + " " + test.get("comment").getAsString() + (status ? "" : " [must fail]");
      tests.add(DynamicTest.dynamicTest(name, () -> commitmentCase(test, status)));
    }
    assertEquals(46, tests.size(), "commitment vectors");
    assertEquals(41, passing, "commitment vectors that must decrypt");
    return tests.stream();
  }

  private static void commitmentCase(JsonObject test, boolean status) {
    byte[] message = B64.decode(test.get("ciphertext").getAsString());
    byte[] dataKey = B64.decode(test.get("decrypted-dek").getAsString());
    byte[] messageId = B64.decode(test.get("message-id").getAsString());
    EncryptionContext context = VectorResources.context(test.getAsJsonObject("encryption-context"));

    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
    assertArrayEquals(messageId, header.messageId(), "message id");
    // Upstream quirk: test 27's "header" field starts with a space.
    assertArrayEquals(
        B64.decode(test.get("header").getAsString().trim()),
        Arrays.copyOf(message, header.headerLength()),
        "header bytes");
    AlgorithmSuite suite = header.algorithmSuite();
    assertEquals(2, suite.messageFormatVersion());
    byte[] headerCommitKey =
        HeaderCodec.parse(MessageInput.of(message, 0, message.length), 0xFFFF).commitKey();

    // Passing vectors: the commit key and content key derived from the injected data key equal
    // the vector's, and the commit key is the one in the header. Failing vectors: the header's
    // commit key is not the one derived from the data key (test 2: a garbage commitment;
    // 12, 13, 20, 21: a commitment to a second data key that opens the same ciphertext).
    try (DataKey key = DataKey.copyOf(dataKey);
        MessageKeys keys = MessageKeys.derive(suite, key, messageId)) {
      assertEquals(status, Arrays.equals(headerCommitKey, keys.commitKey()), "header commit key matches");
      if (status) {
        assertArrayEquals(B64.decode(test.get("commitment").getAsString()), keys.commitKey(), "commit key");
        if (test.has("content-encryption-key")) {
          assertArrayEquals(
              B64.decode(test.get("content-encryption-key").getAsString()),
              keys.contentKey().getEncoded(),
              "content key");
        }
      }
    }

    Envelope envelope =
        Envelope.builder()
            .keyring(StaticKeyring.injecting(dataKey))
            .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
            .build();
    if (status) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (JsonElement frame : test.getAsJsonArray("plaintext-frames")) {
        expected.writeBytes(frame.getAsString().getBytes(StandardCharsets.UTF_8));
      }
      Decrypted decrypted = envelope.decrypt(message, context);
      assertArrayEquals(expected.toByteArray(), decrypted.plaintext(), "plaintext");
      assertEquals(context, decrypted.encryptionContext(), "encryption context");
      assertArrayEquals(
          expected.toByteArray(),
          Messages.decryptStreaming(envelope, new ByteArrayInputStream(message), context),
          "streamed plaintext");
    } else {
      AuthenticationFailedException e =
          assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(message, context));
      assertEquals(AuthenticationFailedException.class, e.getClass(), "a commitment failure, not a context mismatch");
      assertThrows(
          AuthenticationFailedException.class,
          () -> Messages.decryptStreaming(envelope, new ByteArrayInputStream(message), context));
    }
  }

  @TestFactory
  Stream<DynamicTest> decryptOracleVectors_everyCase_decryptsToExpectedPlaintext() {
    JsonArray cases =
        VectorResources.json(VectorResources.file("static-data-key", "decrypt-oracle-vectors.json"))
            .getAsJsonArray();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonElement element : cases) {
      JsonObject test = element.getAsJsonObject();
      String keyType = test.get("key-type").getAsString();
      String suiteHex = test.get("algorithm-suite").getAsString();
      tests.add(
          DynamicTest.dynamicTest(
              keyType + " " + suiteHex,
              () -> {
                byte[] keyMaterial;
                String provider;
                switch (keyType) {
                  case "null":
                    keyMaterial = new byte[32];
                    provider = "null";
                    break;
                  case "test_counting":
                    keyMaterial = StaticKeyring.countingKey();
                    provider = "test_counting";
                    break;
                  default:
                    throw new AssertionError("unexpected key type " + keyType);
                }
                byte[] message = B64.decode(test.get("ciphertext").getAsString());
                byte[] plaintext = B64.decode(test.get("plaintext").getAsString());
                UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
                assertEquals(AlgorithmSuite.fromHex(suiteHex), header.algorithmSuite());
                EncryptedDataKey edk = header.encryptedDataKeys().get(0);
                assertEquals(provider, edk.providerId(), "provider id of the test key provider");
                // The keyring opens only keys of this provider: it must find the right EDK.
                Envelope envelope =
                    Envelope.builder()
                        .keyring(
                            StaticKeyring.builder()
                                .key(keyMaterial)
                                .providerId(provider)
                                .providerInfo(edk.providerInfoUtf8())
                                .build())
                        .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
                        .build();
                EncryptionContext expected = EncryptionContext.of("key1", "val1", "key2", "val2");
                Decrypted decrypted = envelope.decrypt(message, expected);
                assertArrayEquals(plaintext, decrypted.plaintext());
                assertEquals(
                    header.algorithmSuite().isSigned() ? 3 : 2, decrypted.encryptionContext().size());
                assertArrayEquals(
                    plaintext,
                    Messages.decryptStreaming(envelope, new ByteArrayInputStream(message), expected));
              }));
    }
    assertEquals(18, tests.size(), "decrypt-oracle vectors");
    return tests.stream();
  }
}
