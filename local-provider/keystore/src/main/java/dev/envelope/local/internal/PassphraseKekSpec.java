package dev.envelope.local.internal;

import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.PassphraseKdfParameters;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A KEK derived from a passphrase with Argon2id (RFC 9106, version 0x13) and a 16-byte random
 * salt, used as an AES-256-GCM key. Parameters and salt are recorded in the store; on open they
 * are bounds-checked before the KDF runs, so a tampered store file cannot make it allocate
 * unbounded memory.
 *
 * <pre>
 * kek record: {"kind":"passphrase","kdf":"argon2id","version":19,"memoryKib":m,"iterations":t,
 *              "parallelism":p,"salt":base64(16 bytes)}
 * </pre>
 */
public final class PassphraseKekSpec extends KekSpec {
  private static final int SALT_LENGTH = 16;
  private static final int KEY_LENGTH = 32;

  private final char[] passphrase;
  private final PassphraseKdfParameters parameters;
  private final SecureRandom random;

  /** The shortest passphrase accepted (as the CLI). */
  public static final int MIN_LENGTH = 8;

  public PassphraseKekSpec(char[] passphrase, PassphraseKdfParameters parameters, SecureRandom random) {
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("the key store passphrase cannot be empty");
    }
    this.passphrase = passphrase.clone();
    this.parameters = parameters;
    this.random = random;
  }

  @Override
  public String kind() {
    return "passphrase";
  }

  /** Refuses a passphrase under {@value #MIN_LENGTH} characters for a new store or a KEK change. */
  @Override
  public Kek forNewStore(JsonObject record) {
    if (passphrase.length < MIN_LENGTH) {
      throw new IllegalArgumentException("a key store passphrase must be at least " + MIN_LENGTH + " characters, not "
          + passphrase.length + ": a short one falls quickly to offline guessing");
    }
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    record.addProperty("kdf", "argon2id");
    record.addProperty("version", Argon2Parameters.ARGON2_VERSION_13);
    record.addProperty("memoryKib", parameters.memoryKib());
    record.addProperty("iterations", parameters.iterations());
    record.addProperty("parallelism", parameters.parallelism());
    record.addProperty("salt", Base64.getEncoder().encodeToString(salt));
    return derive(parameters, salt);
  }

  @Override
  public Kek forExistingStore(JsonObject record) {
    if (!"argon2id".equals(string(record, "kdf"))
        || integer(record, "version") != Argon2Parameters.ARGON2_VERSION_13) {
      throw new KeyStoreIntegrityException(
          "the store's passphrase KDF is not Argon2id version 19; the store file is damaged or from a newer release");
    }
    PassphraseKdfParameters p;
    byte[] salt;
    try {
      p = PassphraseKdfParameters.of(
          integer(record, "memoryKib"), integer(record, "iterations"), integer(record, "parallelism"));
      salt = Base64.getDecoder().decode(string(record, "salt"));
    } catch (IllegalArgumentException e) {
      throw new KeyStoreIntegrityException("the store's Argon2id parameters are invalid: " + e.getMessage(), e);
    }
    if (salt.length < SALT_LENGTH || salt.length > 64) {
      throw new KeyStoreIntegrityException("the store's Argon2id salt is " + salt.length + " bytes; expected 16 to 64");
    }
    return derive(p, salt);
  }

  private Kek derive(PassphraseKdfParameters p, byte[] salt) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(p.memoryKib())
            .withIterations(p.iterations())
            .withParallelism(p.parallelism())
            .withSalt(salt)
            .build();
    byte[] password = utf8(passphrase);
    byte[] key = new byte[KEY_LENGTH];
    try {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(params);
      generator.generateBytes(password, key);
      AesGcmJce aead = new AesGcmJce(key);
      return new Kek() {
        @Override
        public byte[] encrypt(byte[] plaintext, byte[] ad) throws GeneralSecurityException {
          return aead.encrypt(plaintext, ad);
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] ad) throws GeneralSecurityException {
          return aead.decrypt(ciphertext, ad);
        }
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
    } finally {
      Arrays.fill(password, (byte) 0);
      Arrays.fill(key, (byte) 0);
    }
  }

  private static byte[] utf8(char[] chars) {
    ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    if (buf.hasArray()) {
      Arrays.fill(buf.array(), (byte) 0);
    }
    return out;
  }

  static String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new KeyStoreIntegrityException("the store's kek record lacks the string field '" + name + "'");
    }
    return e.getAsString();
  }

  static int integer(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new KeyStoreIntegrityException("the store's kek record lacks the number field '" + name + "'");
    }
    try {
      return e.getAsInt();
    } catch (NumberFormatException ex) {
      throw new KeyStoreIntegrityException("the store's kek record field '" + name + "' is not an integer", ex);
    }
  }

  @Override
  public String wrongKekHint() {
    return "the passphrase is wrong";
  }

  @Override
  public void destroy() {
    Arrays.fill(passphrase, '\0');
  }
}
