package dev.envelope.pkcs11;

import static dev.envelope.pkcs11.Pkcs11TestTokens.AES_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.LOGIN_TOKEN;
import static dev.envelope.pkcs11.Pkcs11TestTokens.MAIN_TOKEN;
import static dev.envelope.pkcs11.Pkcs11TestTokens.PIN_TOKEN;
import static dev.envelope.pkcs11.Pkcs11TestTokens.RSA_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.TEST_ONLY_HMAC_KEY;
import static dev.envelope.pkcs11.Pkcs11TestTokens.USER_PIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.KeyProviderException.Reason;
import dev.envelope.KeyProviderException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.spec.RSAPrivateKeySpec;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Opening tokens, their errors, and the key lifecycle, against a real SoftHSM2 token. */
class Pkcs11TokenTest {
  private final Pkcs11TestTokens tokens = Pkcs11TestTokens.get();

  @Test
  void open_byLabel_seesTheTokensKeys() {
    Pkcs11Token token = tokens.open(MAIN_TOKEN);

    List<String> labels = token.listKeys().stream().map(Pkcs11KeyInfo::label).collect(Collectors.toList());
    assertTrue(labels.containsAll(List.of(AES_KEY, RSA_KEY)), labels.toString());
    assertEquals("token '" + MAIN_TOKEN + "'", token.description());
  }

  @Test
  void open_bySlotListIndex_seesTheSameToken() {
    int index = tokens.slotListIndex(MAIN_TOKEN);
    Pkcs11Token token = Pkcs11Token.open(Pkcs11Config.builder()
        .library(tokens.library).slotListIndex(index).pin(USER_PIN::toCharArray).build());

    assertEquals(Pkcs11KeyInfo.Type.AES, token.describeKey(AES_KEY).type());
  }

  @Test
  void open_missingLibrary_failsWithLibraryNotFound() {
    Pkcs11Config config = Pkcs11Config.builder().library(Path.of("/nonexistent/libpkcs11-missing.so"))
        .tokenLabel(MAIN_TOKEN).pin(USER_PIN::toCharArray).build();

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(config));

    assertEquals(Reason.PROVIDER_NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("/nonexistent/libpkcs11-missing.so"), e.getMessage());
    assertTrue(e.getMessage().contains("softhsm2"), e.getMessage());
  }

  @Test
  void open_fileThatIsNotAPkcs11Library_failsWithLibraryNotFound() {
    Pkcs11Config config = Pkcs11Config.builder().library(Path.of("/etc/hostname").toAbsolutePath())
        .tokenLabel(MAIN_TOKEN).pin(USER_PIN::toCharArray).build();

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(config));

    assertEquals(Reason.PROVIDER_NOT_FOUND, e.reason());
  }

  @Test
  void open_unknownTokenLabel_failsWithTokenNotFoundListingTheLabelsPresent() {
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> tokens.open("no-such-token"));

    assertEquals(Reason.PROVIDER_NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("'no-such-token'"), e.getMessage());
    for (String present : List.of(MAIN_TOKEN, PIN_TOKEN, LOGIN_TOKEN)) {
      assertTrue(e.getMessage().contains("'" + present + "'"), e.getMessage());
    }
    assertTrue(e.getMessage().contains("uninitialized token"), e.getMessage());
  }

  @Test
  void open_slotListIndexOutOfRange_failsWithTokenNotFound() {
    Pkcs11Config config = Pkcs11Config.builder().library(tokens.library).slotListIndex(99)
        .pin(USER_PIN::toCharArray).build();

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(config));

    assertEquals(Reason.PROVIDER_NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("'" + MAIN_TOKEN + "'"), e.getMessage());
  }

  @Test
  void open_slotListIndexOfUninitializedToken_failsWithTokenNotFound() {
    // SoftHSM always offers one free slot with an uninitialized token.
    int free = TokenDirectory.slots(tokens.library).stream().filter(s -> !s.initialized())
        .findFirst().orElseThrow().index();
    Pkcs11Config config = Pkcs11Config.builder().library(tokens.library).slotListIndex(free)
        .pin(USER_PIN::toCharArray).build();

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(config));

    assertEquals(Reason.PROVIDER_NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("uninitialized token"), e.getMessage());
  }

  @Test
  void open_wrongPin_failsWithLoginFailedAndZeroesThePin() {
    char[] wrongPin = "not-the-pin-0000".toCharArray();
    Pkcs11Config config = tokens.config(PIN_TOKEN).build();
    Pkcs11Config wrong = Pkcs11Config.builder().library(config.library()).tokenLabel(PIN_TOKEN)
        .pin(() -> wrongPin).build();

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> Pkcs11Token.open(wrong));

    assertEquals(Reason.ACCESS_DENIED, e.reason());
    assertTrue(e.getMessage().contains("wrong PIN"), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-pin"), e.getMessage());
    assertArrayEquals(new char[wrongPin.length], wrongPin);
  }

  @Test
  void open_rightPin_asksTheSupplierOnceAndZeroesThePin() {
    AtomicInteger calls = new AtomicInteger();
    char[] pin = USER_PIN.toCharArray();
    Pkcs11Config config = Pkcs11Config.builder().library(tokens.library).tokenLabel(LOGIN_TOKEN)
        .pin(() -> {
          calls.incrementAndGet();
          return pin;
        }).build();

    Pkcs11Token token = Pkcs11Token.open(config);

    assertEquals(List.of(), token.listKeys());
    assertEquals(1, calls.get());
    assertArrayEquals(new char[USER_PIN.length()], pin);
  }

  @Test
  void config_toString_neverShowsThePin() {
    Pkcs11Config config = tokens.config(MAIN_TOKEN).build();

    assertFalse(config.toString().contains(USER_PIN), config.toString());
    assertFalse(tokens.main().toString().contains(USER_PIN));
    assertTrue(config.toString().contains(MAIN_TOKEN));
  }

  @Test
  void configBuilder_relativeLibraryOrNoTokenSelection_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> Pkcs11Config.builder().library(Path.of("lib.so")));
    assertThrows(IllegalArgumentException.class,
        () -> Pkcs11Config.builder().library(Path.of("/opt/x\"y/lib.so")));
    assertThrows(IllegalStateException.class,
        () -> Pkcs11Config.builder().library(tokens.library).pin(USER_PIN::toCharArray).build());
    assertThrows(IllegalStateException.class, () -> Pkcs11Config.builder().library(tokens.library)
        .pin(USER_PIN::toCharArray).tokenLabel("a").slotListIndex(0).build());
    assertThrows(IllegalArgumentException.class, () -> Pkcs11Config.builder().tokenLabel("x".repeat(33)));
  }

  @Test
  void createAesKey_generatesANonExtractableTokenKey() {
    Pkcs11Token token = tokens.main();

    Pkcs11KeyInfo info = token.createAesKey("lifecycle-aes-1");

    assertEquals("lifecycle-aes-1", info.label());
    assertEquals(Pkcs11KeyInfo.Type.AES, info.type());
    assertFalse(info.exportable());
    SecretKey key = token.aesKey("lifecycle-aes-1");
    assertNull(key.getEncoded());
    assertEquals(info, token.describeKey("lifecycle-aes-1"));
    // A second, freshly opened view of the token sees the persistent key.
    assertEquals(info, tokens.open(MAIN_TOKEN).describeKey("lifecycle-aes-1"));
    token.destroyKey("lifecycle-aes-1");
  }

  @Test
  void aesKey_exportThroughTheProvider_isRefused() {
    SecretKey key = tokens.main().aesKey(AES_KEY);

    assertNull(key.getEncoded());
    assertThrows(GeneralSecurityException.class, () -> SecretKeyFactory
        .getInstance("AES", tokens.main().provider()).getKeySpec(key, SecretKeySpec.class));
  }

  @Test
  void rsaPrivateKey_exportThroughTheProvider_isRefused() {
    PrivateKey key = tokens.main().rsaKeyPair(RSA_KEY).privateKey();

    assertNull(key.getEncoded());
    assertThrows(GeneralSecurityException.class, () -> KeyFactory.getInstance("RSA", tokens.main().provider())
        .getKeySpec(key, RSAPrivateKeySpec.class));
  }

  @Test
  void createRsaKeyPair_generatesAKeyPairWithCertificate() throws Exception {
    Pkcs11Token token = tokens.main();

    Pkcs11KeyInfo info = token.createRsaKeyPair("lifecycle-rsa-1", 2048);

    assertEquals(Pkcs11KeyInfo.Type.RSA, info.type());
    assertEquals(OptionalInt.of(2048), info.bits());
    assertFalse(info.exportable());
    KeyStore keyStore = token.keyStore();
    assertTrue(keyStore.entryInstanceOf("lifecycle-rsa-1", KeyStore.PrivateKeyEntry.class));
    token.destroyKey("lifecycle-rsa-1");
    assertFalse(token.keyStore().containsAlias("lifecycle-rsa-1"));
  }

  @Test
  void createAesKey_labelInUse_failsWithKeyExistsAndKeepsTheKey() {
    Pkcs11Token token = tokens.main();

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> token.createAesKey(AES_KEY));

    assertEquals(Reason.KEY_EXISTS, e.reason());
    assertEquals(Pkcs11KeyInfo.Type.AES, token.describeKey(AES_KEY).type());
    assertEquals(Reason.KEY_EXISTS,
        assertThrows(Pkcs11Exception.class, () -> token.createRsaKeyPair(AES_KEY, 2048)).reason());
  }

  @Test
  void createKey_invalidLabelOrSize_isRejected() {
    Pkcs11Token token = tokens.main();

    assertThrows(IllegalArgumentException.class, () -> token.createAesKey(""));
    assertThrows(IllegalArgumentException.class, () -> token.createAesKey("-starts-with-dash"));
    assertThrows(IllegalArgumentException.class, () -> token.createAesKey("has space"));
    assertThrows(IllegalArgumentException.class, () -> token.createAesKey("é"));
    assertThrows(IllegalArgumentException.class, () -> token.createRsaKeyPair("rsa-small", 1024));
  }

  @Test
  void listKeys_reportsLabelsAndTypes() {
    List<Pkcs11KeyInfo> keys = tokens.main().listKeys();

    assertTrue(keys.contains(new Pkcs11KeyInfo(AES_KEY, Pkcs11KeyInfo.Type.AES, "AES", 0, false)), keys.toString());
    assertTrue(keys.contains(new Pkcs11KeyInfo(RSA_KEY, Pkcs11KeyInfo.Type.RSA, "RSA", 2048, false)), keys.toString());
    Pkcs11KeyInfo hmac = keys.stream().filter(k -> k.label().equals(TEST_ONLY_HMAC_KEY)).findFirst().orElseThrow();
    assertEquals(Pkcs11KeyInfo.Type.OTHER, hmac.type());
    List<String> labels = keys.stream().map(Pkcs11KeyInfo::label).collect(Collectors.toList());
    assertEquals(labels.stream().sorted().collect(Collectors.toList()), labels);
  }

  @Test
  void describeKey_unknownLabel_failsWithKeyNotFoundListingTheLabels() {
    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> tokens.main().describeKey("no-such-key"));

    assertEquals(Reason.KEY_NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("'no-such-key'"), e.getMessage());
    assertTrue(e.getMessage().contains("'" + AES_KEY + "'"), e.getMessage());
  }

  @Test
  void destroyKey_removesTheKeyAndAnUnknownLabelFails() {
    Pkcs11Token token = tokens.main();
    token.createAesKey("lifecycle-aes-2");

    token.destroyKey("lifecycle-aes-2");

    assertEquals(Reason.KEY_NOT_FOUND,
        assertThrows(Pkcs11Exception.class, () -> token.describeKey("lifecycle-aes-2")).reason());
    assertEquals(Reason.KEY_NOT_FOUND,
        assertThrows(Pkcs11Exception.class, () -> token.destroyKey("lifecycle-aes-2")).reason());
  }

  @Test
  void createAesKey_tokenWithoutAesKeyGen_failsWithMechanismNotSupported() {
    Pkcs11Token limited = Pkcs11Token.open(tokens.config(MAIN_TOKEN).disableMechanism("CKM_AES_KEY_GEN").build());

    Pkcs11Exception e = assertThrows(Pkcs11Exception.class, () -> limited.createAesKey("never-created"));

    assertEquals(Reason.UNSUPPORTED, e.reason());
    assertTrue(e.getMessage().contains("CKM_AES_KEY_GEN"), e.getMessage());
  }
}
