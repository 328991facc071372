package dev.envelope.vectors;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.envelope.Keyring;
import dev.envelope.MaterialsManager;
import dev.envelope.keyring.MultiKeyring;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.keyring.RawRsaKeyring;
import dev.envelope.keyring.RsaPadding;
import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.materials.RequiredContextMaterialsManager;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds keyrings and materials managers from test-vector key descriptions (manifest v4
 * {@code master-keys} entries, v5 {@code decryptKeyDescription}s) and a {@code keys.json}.
 *
 * <p>Only raw AES/RSA keys, multi-keyrings and the required-encryption-context CMM occur in the
 * saved sets; anything else fails the test rather than being skipped.
 */
final class KeyDescriptions {
  private final JsonObject keys;

  KeyDescriptions(JsonObject keysManifest) {
    this.keys = keysManifest.getAsJsonObject("keys");
  }

  MaterialsManager materialsManager(JsonObject description) {
    if ("required-encryption-context-cmm".equals(type(description))) {
      Set<String> required = new LinkedHashSet<>();
      for (JsonElement key : description.getAsJsonArray("requiredEncryptionContextKeys")) {
        required.add(key.getAsString());
      }
      return RequiredContextMaterialsManager.of(
          materialsManager(description.getAsJsonObject("underlying")), required);
    }
    return new DefaultMaterialsManager(keyring(description));
  }

  Keyring keyring(JsonObject description) {
    switch (type(description)) {
      case "raw":
        return raw(description);
      case "multi-keyring":
        MultiKeyring.Builder multi = MultiKeyring.builder();
        if (description.has("generator")) {
          multi.generator(keyring(description.getAsJsonObject("generator")));
        }
        if (description.has("childKeyrings")) {
          for (JsonElement child : description.getAsJsonArray("childKeyrings")) {
            multi.child(keyring(child.getAsJsonObject()));
          }
        }
        return multi.build();
      default:
        throw new AssertionError("unsupported key description type " + type(description));
    }
  }

  /** Several master keys (manifest v4) combined as the children of one multi-keyring. */
  Keyring combined(List<JsonObject> masterKeys) {
    MultiKeyring.Builder multi = MultiKeyring.builder();
    masterKeys.forEach(description -> multi.child(keyring(description)));
    return multi.build();
  }

  private Keyring raw(JsonObject description) {
    String keyName = description.get("key").getAsString();
    JsonObject key = keys.getAsJsonObject(keyName);
    if (key == null) {
      fail("keys.json has no key '" + keyName + "'");
    }
    String namespace = description.get("provider-id").getAsString();
    String name = key.get("key-id").getAsString();
    String material = key.get("material").getAsString();
    String algorithm = description.get("encryption-algorithm").getAsString();
    switch (algorithm) {
      case "aes":
        return RawAesKeyring.builder()
            .keyNamespace(namespace)
            .keyName(name)
            .wrappingKey(Base64.getDecoder().decode(material))
            .build();
      case "rsa":
        RawRsaKeyring.Builder rsa =
            RawRsaKeyring.builder().keyNamespace(namespace).keyName(name).padding(padding(description));
        switch (key.get("type").getAsString()) {
          case "private":
            rsa.privateKey(RawRsaKeyring.parsePrivateKeyPem(material));
            break;
          case "public":
            rsa.publicKey(RawRsaKeyring.parsePublicKeyPem(material));
            break;
          default:
            fail("unsupported RSA key type in keys.json: " + key.get("type"));
        }
        return rsa.build();
      default:
        throw new AssertionError("unsupported raw encryption algorithm " + algorithm);
    }
  }

  private static RsaPadding padding(JsonObject description) {
    String padding = description.get("padding-algorithm").getAsString();
    if ("pkcs1".equals(padding)) {
      return RsaPadding.PKCS1_LEGACY;
    }
    if (!"oaep-mgf1".equals(padding)) {
      fail("unsupported RSA padding " + padding);
    }
    // ESDK-Java's runner defaults a missing padding-hash to sha1.
    String hash = description.has("padding-hash") ? description.get("padding-hash").getAsString() : "sha1";
    return RsaPadding.fromId("oaep-" + hash);
  }

  private static String type(JsonObject description) {
    return description.get("type").getAsString();
  }
}
