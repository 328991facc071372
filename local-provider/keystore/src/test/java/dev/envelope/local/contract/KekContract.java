package dev.envelope.local.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.keyring.RawAesKeyring;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyStoreNotFoundException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.local.WrongKekException;
import java.security.SecureRandom;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

public abstract class KekContract extends StoreContract {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  /** Creates a store under {@code kek} with one key and one blob; reopens it under {@code reopen}. */
  private void roundTrip(KekSource kek, KekSource reopen) {
    byte[] blob;
    try (LocalKeyStore store = home.builder().kek(kek).create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
      blob = store.encrypt("k", new byte[] {4, 2}, CONTEXT);
    }
    try (LocalKeyStore store = home.builder().kek(reopen).open()) {
      assertArrayEquals(new byte[] {4, 2}, store.decrypt(blob, CONTEXT).plaintext());
    }
  }

  @Test
  void passphrase_reopenWithSamePassphrase_decrypts() {
    roundTrip(kek(), kek());
  }

  @Test
  void passphrase_wrongPassphrase_failsWithClearError() {
    try (LocalKeyStore store = builder().create()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    KekSource wrong = KekSource.passphrase("correct horse battery stapler".toCharArray(), PassphraseKdfParameters.insecureForTests());

    WrongKekException e = assertThrows(WrongKekException.class, () -> home.builder().kek(wrong).open());

    assertTrue(e.getMessage().contains("the passphrase is wrong"), e.getMessage());
    assertTrue(e.getMessage().contains(home.location()), e.getMessage());
  }

  @Test
  void secretKey_jcaKey_roundTripsAndWrongKeyFails() throws Exception {
    KeyGenerator gen = KeyGenerator.getInstance("AES");
    gen.init(256, new SecureRandom());
    SecretKey key = gen.generateKey();
    roundTrip(KekSource.secretKey(key, null), KekSource.secretKey(key, null));

    WrongKekException e = assertThrows(WrongKekException.class,
        () -> home.builder().kek(KekSource.secretKey(gen.generateKey(), null)).open());
    assertTrue(e.getMessage().contains("secret key"), e.getMessage());
  }

  @Test
  void secretKey_explicitProvider_isUsed() throws Exception {
    KeyGenerator gen = KeyGenerator.getInstance("AES");
    gen.init(256);
    SecretKey key = gen.generateKey();
    java.security.Provider sunJce = java.security.Security.getProvider("SunJCE");
    roundTrip(KekSource.secretKey(key, sunJce), KekSource.secretKey(key, sunJce));
  }

  @Test
  void keyring_rawAesKeyringAsKek_roundTripsAndOtherKeyringFails() {
    byte[] kekBytes = new byte[32];
    new SecureRandom().nextBytes(kekBytes);
    RawAesKeyring kms = RawAesKeyring.builder().keyNamespace("fake-kms").keyName("kek-1").wrappingKey(kekBytes).build();
    roundTrip(KekSource.keyring(kms), KekSource.keyring(kms));

    RawAesKeyring other = RawAesKeyring.builder().keyNamespace("fake-kms").keyName("kek-2").wrappingKey(kekBytes).build();
    WrongKekException e = assertThrows(WrongKekException.class, () -> home.builder().kek(KekSource.keyring(other)).open());
    assertTrue(e.getMessage().contains("keyring"), e.getMessage());
  }

  @Test
  void kindMismatch_failsNamingBothKinds() throws Exception {
    builder().create().close();
    KeyGenerator gen = KeyGenerator.getInstance("AES");
    gen.init(256);

    WrongKekException e = assertThrows(WrongKekException.class,
        () -> home.builder().kek(KekSource.secretKey(gen.generateKey(), null)).open());

    assertTrue(e.getMessage().contains("'passphrase'") && e.getMessage().contains("'secret-key'"), e.getMessage());
  }

  @Test
  void open_noStore_failsWithHint() {
    KeyStoreNotFoundException e = assertThrows(KeyStoreNotFoundException.class, () -> builder().open());
    assertTrue(e.getMessage().contains("create the store first"), e.getMessage());
  }

  @Test
  void create_existingStore_refuses() {
    builder().create().close();
    assertThrows(IllegalStateException.class, () -> builder().create());
  }

  @Test
  void openOrCreate_createsThenOpens() {
    try (LocalKeyStore store = builder().openOrCreate()) {
      store.createKey(CreateKeyRequest.withAlias("k"));
    }
    try (LocalKeyStore store = builder().openOrCreate()) {
      assertEquals(1, store.listKeys().size());
    }
  }

  @Test
  void kekSource_destroyed_cannotOpen() {
    builder().create().close();
    KekSource kek = kek();
    kek.destroy();
    assertTrue(kek.isDestroyed());
    assertThrows(IllegalStateException.class, () -> home.builder().kek(kek).open());
  }
}
