package dev.envelope.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.CommitmentPolicy;
import dev.envelope.Decrypted;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.MaterialsManager;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.materials.RequiredContextMaterialsManager;
import dev.envelope.testing.Messages;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Decrypts every saved raw-keyring vector of the Dafny (4.1.0) and .NET (4.0.x) AWS Encryption
 * SDKs, one dynamic test per case named after its id, through both {@link Envelope#decrypt} and
 * {@link Envelope#decryptingStream}. Positive cases must give the expected plaintext and carry the
 * reproduced context; the 28 ESDK-NET 4.0.0 messages must fail authentication. Each factory asserts
 * the exact number of cases first, so a vector set that shrank or vanished fails.
 */
class RawKeyringVectorsTest {
  private static final CommitmentPolicy READ_ALL = CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT;

  /** Manifest v5: raw keyrings, multi-keyrings and the required-context CMM with reproduced context. */
  @TestFactory
  Stream<DynamicTest> esdkDafny410_everyCase_decryptsToExpectedPlaintext() {
    Path dir = VectorResources.set("esdk-dafny-4.1.0");
    JsonObject manifest = VectorResources.manifest(dir, 5);
    KeyDescriptions keys = keys(dir, manifest);
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : manifest.getAsJsonObject("tests").entrySet()) {
      JsonObject scenario = e.getValue().getAsJsonObject().getAsJsonObject("decryption-scenario");
      assertEquals("positive-esdk", scenario.get("type").getAsString(), e.getKey());
      JsonObject description = scenario.getAsJsonObject("decryptKeyDescription");
      String name =
          e.getKey() + " [" + scenario.get("algorithmSuiteId").getAsString() + ", "
              + scenario.get("description").getAsString() + ", " + description.get("type").getAsString() + "]";
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                MaterialsManager manager = keys.materialsManager(description);
                byte[] message = VectorResources.bytes(dir, scenario.get("ciphertext").getAsString());
                byte[] plaintext = VectorResources.bytes(dir, scenario.get("result").getAsString());
                EncryptionContext reproduced =
                    VectorResources.context(scenario.getAsJsonObject("reproduced-encryption-context"));
                decryptsBothWays(
                    manager, message, reproduced, plaintext, scenario.get("algorithmSuiteId").getAsString());
              }));
    }
    assertEquals(187, tests.size(), "cases in esdk-dafny-4.1.0");
    return tests.stream();
  }

  /** Manifest v4 from ESDK-NET: default and required-context CMMs, AES-256 and RSA-4096 keys. */
  @TestFactory
  Stream<DynamicTest> esdkNet401_everyCase_decryptsToExpectedPlaintext() {
    return manifestV4("esdk-net-4.0.1", 99, true);
  }

  /** The five ESDK-NET 4.0.0 messages that are correct despite that release's bugs. */
  @TestFactory
  Stream<DynamicTest> esdkNet400Valid_everyCase_decryptsToExpectedPlaintext() {
    return manifestV4("esdk-net-4.0.0-valid", 5, true);
  }

  /**
   * ESDK-NET 4.0.0 left the message id out of the HKDF info and appended {@code 00 00} to the
   * header-auth AAD; a conforming reader must reject all 28 of its messages.
   */
  @TestFactory
  Stream<DynamicTest> esdkNet400Invalid_everyCase_failsAuthentication() {
    return manifestV4("esdk-net-4.0.0-invalid", 28, false);
  }

  private static Stream<DynamicTest> manifestV4(String set, int expectedCases, boolean positive) {
    Path dir = VectorResources.set(set);
    JsonObject manifest = VectorResources.manifest(dir, 4);
    KeyDescriptions keys = keys(dir, manifest);
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : manifest.getAsJsonObject("tests").entrySet()) {
      JsonObject test = e.getValue().getAsJsonObject();
      JsonObject result = test.getAsJsonObject("result");
      assertEquals(positive, result.has("output"), e.getKey() + ": expected result kind");
      assertEquals(!positive, result.has("error"), e.getKey() + ": expected result kind");
      String cmm = test.get("cmm").getAsString();
      tests.add(
          DynamicTest.dynamicTest(
              e.getKey() + " [" + cmm + "]",
              () -> {
                List<JsonObject> masterKeys = new ArrayList<>();
                test.getAsJsonArray("master-keys").forEach(k -> masterKeys.add(k.getAsJsonObject()));
                EncryptionContext reproduced = VectorResources.context(test.getAsJsonObject("encryption-context"));
                MaterialsManager manager = v4Manager(keys, masterKeys, cmm, reproduced);
                byte[] message = VectorResources.bytes(dir, test.get("ciphertext").getAsString());
                UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
                assertEquals(e.getKey().substring(0, 4), String.format("%04x", header.algorithmSuite().id()));
                // A required-context message stores none of those pairs; a default one stores them all.
                for (String key : reproduced.keys()) {
                  assertEquals(
                      !"RequiredEncryptionContext".equals(cmm),
                      header.storedContext().containsKey(key),
                      "header stores context key " + key);
                }
                if (positive) {
                  byte[] plaintext =
                      VectorResources.bytes(dir, result.getAsJsonObject("output").get("plaintext").getAsString());
                  decryptsBothWays(manager, message, reproduced, plaintext, e.getKey().substring(0, 4));
                } else {
                  Envelope envelope = Envelope.builder().materialsManager(manager).commitmentPolicy(READ_ALL).build();
                  assertThrows(AuthenticationFailedException.class, () -> envelope.decrypt(message, reproduced));
                  assertThrows(
                      AuthenticationFailedException.class,
                      () -> Messages.decryptStreaming(envelope, new ByteArrayInputStream(message), reproduced));
                }
              }));
    }
    assertEquals(expectedCases, tests.size(), "cases in " + set);
    return tests.stream();
  }

  /**
   * The manifest's {@code cmm} says how a message was encrypted; a required-context message is
   * decrypted through a {@link RequiredContextMaterialsManager} requiring the reproduced keys.
   */
  private static MaterialsManager v4Manager(
      KeyDescriptions keys, List<JsonObject> masterKeys, String cmm, EncryptionContext reproduced) {
    DefaultMaterialsManager base = new DefaultMaterialsManager(keys.combined(masterKeys));
    switch (cmm) {
      case "Default":
        return base;
      case "RequiredEncryptionContext":
        return RequiredContextMaterialsManager.of(base, reproduced.keys());
      default:
        throw new AssertionError("unknown cmm " + cmm);
    }
  }

  private static void decryptsBothWays(
      MaterialsManager manager, byte[] message, EncryptionContext reproduced, byte[] plaintext, String suiteHex) {
    Envelope envelope = Envelope.builder().materialsManager(manager).commitmentPolicy(READ_ALL).build();
    AlgorithmSuite suite = AlgorithmSuite.fromHex(suiteHex);

    Decrypted decrypted = envelope.decrypt(message, reproduced);
    assertArrayEquals(plaintext, decrypted.plaintext(), "decrypt: plaintext");
    assertEquals(suite, decrypted.algorithmSuite(), "decrypt: suite");
    reproduced.asMap().forEach((k, v) -> assertEquals(v, decrypted.encryptionContext().get(k).orElse(null), k));
    assertEquals(
        suite.isSigned(),
        decrypted.encryptionContext().containsKey(EncryptionContext.PUBLIC_KEY_FIELD),
        "public key in the context");

    byte[] streamed = Messages.decryptStreaming(envelope, new ByteArrayInputStream(message), reproduced);
    assertArrayEquals(plaintext, streamed, "decryptingStream: plaintext");
    assertFalse(plaintext.length == 0);
    assertTrue(message.length > plaintext.length);
  }

  private static KeyDescriptions keys(Path dir, JsonObject manifest) {
    assertEquals("file://keys.json", manifest.get("keys").getAsString());
    return new KeyDescriptions(VectorResources.json(dir.resolve("keys.json")).getAsJsonObject());
  }
}
