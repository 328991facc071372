package dev.envelope.pkcs11;

import static dev.envelope.pkcs11.Pkcs11TestTokens.AES_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.MAIN_TOKEN;
import static dev.envelope.pkcs11.Pkcs11TestTokens.RSA_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.KeyProviderException;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.local.WrongKekException;
import dev.envelope.KeyProviderException.Reason;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@link LocalKeyStore} whose KEK is an AES key in a real SoftHSM2 token ({@link Pkcs11Token#kekSource}). */
class Pkcs11KekTest {
  private static final AtomicInteger LABELS = new AtomicInteger();
  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

  @TempDir Path dir;

  private final Pkcs11TestTokens tokens = Pkcs11TestTokens.get();

  private static String label(String name) {
    return "kek-" + name + "-" + LABELS.incrementAndGet();
  }

  private static Envelope envelope(LocalKeyStore store, String key) {
    return Envelope.builder().keyring(store.keyring(key)).build();
  }

  @Test
  void tokenKek_createRotateReopenInANewInstance_decryptsEveryVersion() {
    String kek = label("store");
    tokens.main().createAesKey(kek);
    byte[] v1;
    byte[] v2;
    byte[] blob;
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(tokens.main().kekSource(kek)).create()) {
      assertEquals("secret-key", tokens.main().kekSource(kek).kind());
      store.createKey(CreateKeyRequest.withAlias("orders"));
      v1 = envelope(store, "orders").encrypt(new byte[] {1}, CONTEXT);
      KeyMetadata rotated = store.rotateKey("orders");
      assertEquals(2, rotated.primaryVersion());
      v2 = envelope(store, "orders").encrypt(new byte[] {2}, CONTEXT);
      blob = store.encrypt("orders", new byte[] {3}, CONTEXT);
    }

    // A new instance over another login view of the token (as a restarted process would open it).
    Pkcs11Token reopenedToken = tokens.open(MAIN_TOKEN);
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(reopenedToken.kekSource(kek)).open()) {
      assertArrayEquals(new byte[] {1}, envelope(store, "orders").decrypt(v1, CONTEXT).plaintext());
      assertArrayEquals(new byte[] {2}, envelope(store, "orders").decrypt(v2, CONTEXT).plaintext());
      assertArrayEquals(new byte[] {3}, store.decrypt(blob, CONTEXT).plaintext());
      assertEquals(2, store.describeKey("orders").versions().size());
    }
  }

  @Test
  void tokenKek_anotherTokenKey_failsWithWrongKek() {
    String kek = label("right");
    tokens.main().createAesKey(kek);
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(tokens.main().kekSource(kek)).create()) {
      store.createKey(CreateKeyRequest.withAlias("orders"));
    }

    WrongKekException e = assertThrows(WrongKekException.class,
        () -> LocalKeyStore.builder(dir).kek(tokens.main().kekSource(AES_KEY)).open());

    assertTrue(e.getMessage().contains("secret key is not the one"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
  }

  @Test
  void changeKek_fromPassphraseToTokenKey_reopensOnlyWithTheTokenKey() {
    String kek = label("moved");
    tokens.main().createAesKey(kek);
    KekSource passphrase = KekSource.passphrase("a passphrase".toCharArray(), PassphraseKdfParameters.insecureForTests());
    byte[] blob;
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(passphrase).create()) {
      store.createKey(CreateKeyRequest.withAlias("orders"));
      blob = store.encrypt("orders", new byte[] {5}, CONTEXT);
      store.changeKek(tokens.main().kekSource(kek));
    }

    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(tokens.main().kekSource(kek)).open()) {
      assertArrayEquals(new byte[] {5}, store.decrypt(blob, CONTEXT).plaintext());
    }
    assertThrows(WrongKekException.class, () -> LocalKeyStore.builder(dir).kek(passphrase).open());
  }

  @Test
  void kekSource_unknownOrRsaLabel_failsWithTheTokensReason() {
    assertEquals(Reason.KEY_NOT_FOUND,
        assertThrows(Pkcs11Exception.class, () -> tokens.main().kekSource("no-such-kek")).reason());
    assertEquals(Reason.WRONG_KEY_TYPE,
        assertThrows(Pkcs11Exception.class, () -> tokens.main().kekSource(RSA_KEY)).reason());
  }

  @Test
  void kekSource_tokenWithoutAesGcm_failsWithMechanismNotSupported() {
    Pkcs11Token limited = Pkcs11Token.open(tokens.config(MAIN_TOKEN).disableMechanism("CKM_AES_GCM").build());

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> limited.kekSource(AES_KEY));

    assertEquals(Reason.UNSUPPORTED, e.reason());
    assertTrue(e.getMessage().contains("CKM_AES_GCM"), e.getMessage());
  }

  @Test
  void tokenKekDestroyed_openFailsWithAKeyProviderErrorNotAWrongKek() {
    String kek = label("destroyed");
    tokens.main().createAesKey(kek);
    KekSource source = tokens.main().kekSource(kek);
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(source).create()) {
      store.createKey(CreateKeyRequest.withAlias("orders"));
    }
    tokens.main().destroyKey(kek);

    KeyProviderException e = assertThrows(KeyProviderException.class, () -> LocalKeyStore.builder(dir).kek(source).open());

    assertTrue(!(e instanceof WrongKekException), e.toString());
    assertTrue(e.getMessage().contains("KEK failed"), e.getMessage());
  }

  @Test
  void tokenKekDestroyedWhileOpen_readingAKeySaysTheKekFailedNotThatTheFileWasModified() {
    String kek = label("vanishing");
    tokens.main().createAesKey(kek);
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(tokens.main().kekSource(kek)).create()) {
      store.createKey(CreateKeyRequest.withAlias("orders"));
    }
    try (LocalKeyStore store = LocalKeyStore.builder(dir).kek(tokens.main().kekSource(kek)).open()) {
      tokens.main().destroyKey(kek);

      KeyProviderException e = assertThrows(KeyProviderException.class, () -> store.describeKey("orders"));

      assertTrue(!(e instanceof KeyStoreIntegrityException), e.toString());
      assertTrue(e.getMessage().contains("KEK failed") && e.getMessage().contains("CKR_"), e.getMessage());
      assertThrows(KeyProviderException.class, () -> store.createKey(CreateKeyRequest.withAlias("more")));
    }
  }
}
