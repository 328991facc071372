package dev.envelope.pkcs11;

import dev.envelope.local.KekSource;
import dev.envelope.local.internal.Errors;
import dev.envelope.KeyProviderException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.crypto.SecretKey;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * An open, logged-in PKCS#11 token, reached through the JDK's SunPKCS11 provider, and the admin
 * calls for its keys: {@link #createAesKey}, {@link #createRsaKeyPair}, {@link #listKeys}, {@link
 * #describeKey} and {@link #destroyKey}. {@link Pkcs11Keyring} uses its keys; {@link
 * Pkcs11KeyManager} offers the same admin calls through the {@code KeyManager} lifecycle API, with
 * audit and state events; {@link #kekSource} makes a key the KEK of a local key store.
 *
 * <p>Keys are token objects found by label (the SunPKCS11 key store alias): an AES key's {@code
 * CKA_LABEL}; an RSA key pair's private key {@code CKA_ID} and the label of the self-signed
 * certificate that carries its public key. Keys this class creates are generated inside the token
 * and are persistent, private (visible only after login), sensitive and non-extractable; AES keys
 * may only encrypt and decrypt (no wrap, unwrap, sign or derive), RSA private keys only decrypt
 * and sign (no unwrap).
 *
 * <p>Open one {@code Pkcs11Token} per token and share it: it is thread-safe (SunPKCS11 pools the
 * token's sessions; admin calls are serialized), and it stays logged in for the life of the
 * process. There is no close: SunPKCS11 providers cannot be unloaded, and logging out would log
 * out every user of the token in this process.
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>Key bytes of the keys this class creates never leave the token: {@code getEncoded()}
 *       returns {@code null} and the token refuses to export them.
 *   <li>The PIN array from the supplier is zeroed right after each login; it is never stored,
 *       logged or put in a message.
 *   <li>Not promised: PKCS#11 login state is per process. Once a token is logged in, opening it
 *       again in the same process succeeds without checking the PIN (the token reports "already
 *       logged in"), and any code in the process can use its keys through SunPKCS11.
 *   <li>Labels are not unique by construction: another tool may create a second key with a label
 *       in use, and SunPKCS11 then refuses to list the token's keys. {@link #createAesKey} and
 *       {@link #createRsaKeyPair} refuse labels in use by this process's view of the token.
 * </ul>
 */
public final class Pkcs11Token {
  private static final AtomicInteger PROVIDER_COUNTER = new AtomicInteger();

  private final Pkcs11Config config;
  private final Provider provider;
  private final String description;
  private final TokenKeys keys;

  private Pkcs11Token(Pkcs11Config config, Provider provider, String description) {
    this.config = config;
    this.provider = provider;
    this.description = description;
    this.keys = new TokenKeys(this);
  }

  /**
   * Loads the library, finds the token, logs in with the configured PIN and checks that the
   * token's keys can be listed.
   *
   * @throws Pkcs11Exception {@code PROVIDER_NOT_FOUND} (no such library, or no such token: the
   *     message lists the tokens present), {@code ACCESS_DENIED} (wrong PIN, PIN locked) or {@code
   *     SERVICE_ERROR}
   */
  public static Pkcs11Token open(Pkcs11Config config) {
    Objects.requireNonNull(config, "config");
    Path library = config.library();
    if (!Files.isRegularFile(library)) {
      throw new Pkcs11Exception(Reason.PROVIDER_NOT_FOUND,
          "PKCS#11 library " + library + " does not exist; install the token vendor's PKCS#11 module"
              + " (for SoftHSM2: apt-get install softhsm2, library /usr/lib/softhsm/libsofthsm2.so) or fix the path");
    }
    String slotEntry;
    String description;
    if (config.tokenLabel().isPresent()) {
      String label = config.tokenLabel().get();
      List<TokenDirectory.Slot> slots = TokenDirectory.slots(library);
      List<TokenDirectory.Slot> matches = slots.stream()
          .filter(s -> s.initialized() && s.label().equals(label))
          .collect(Collectors.toList());
      if (matches.isEmpty()) {
        throw new Pkcs11Exception(Reason.PROVIDER_NOT_FOUND,
            "no token labelled '" + label + "' in PKCS#11 library " + library + "; " + present(slots));
      }
      if (matches.size() > 1) {
        throw new Pkcs11Exception(Reason.PROVIDER_NOT_FOUND,
            matches.size() + " tokens are labelled '" + label + "' in PKCS#11 library " + library
                + " (slot list indexes " + matches.stream().map(s -> String.valueOf(s.index())).collect(Collectors.joining(", "))
                + "); relabel one or select it by slotListIndex");
      }
      // The slot id read now, in this process, is the one SunPKCS11 sees: ids only change across
      // library reloads, which is why the configuration never holds one.
      slotEntry = "slot = " + matches.get(0).slotId();
      description = "token '" + label + "'";
    } else {
      int index = config.slotListIndex().getAsInt();
      slotEntry = "slotListIndex = " + index;
      description = config.tokenDescription();
      checkSlotHasToken(library, index, description);
    }

    Provider provider = configure(config, slotEntry, description);
    login(provider, config.pin(), description, config);
    Pkcs11Token token = new Pkcs11Token(config, provider, description);
    token.keyStore(); // fails now, with a clear error, if the token's keys cannot be listed
    return token;
  }

  /**
   * Fails with {@code PROVIDER_NOT_FOUND} when the slot at {@code index} exists but holds no
   * initialized token (SunPKCS11 would only say CKR_TOKEN_NOT_RECOGNIZED). Best effort: if the
   * labels cannot be read, SunPKCS11 reports what it finds.
   */
  private static void checkSlotHasToken(Path library, int index, String description) {
    List<TokenDirectory.Slot> slots;
    try {
      slots = TokenDirectory.slots(library);
    } catch (Pkcs11Exception e) {
      if (e.reason() == Reason.PROVIDER_NOT_FOUND) {
        throw e;
      }
      return;
    }
    if (index >= slots.size()) {
      throw new Pkcs11Exception(Reason.PROVIDER_NOT_FOUND,
          "no " + description + " in PKCS#11 library " + library + ": it has " + slots.size() + " slots; " + present(slots));
    }
    TokenDirectory.Slot slot = slots.get(index);
    if (!slot.initialized()) {
      throw new Pkcs11Exception(Reason.PROVIDER_NOT_FOUND,
          "no initialized " + description + " in PKCS#11 library " + library + " ("
              + (slot.tokenPresent() ? "the slot holds an uninitialized token" : "the slot is empty") + "); " + present(slots));
    }
  }

  private static Provider configure(Pkcs11Config config, String slotEntry, String description) {
    Provider sunPkcs11 = Security.getProvider("SunPKCS11");
    if (sunPkcs11 == null) {
      throw new Pkcs11Exception(Reason.SERVICE_ERROR,
          "the JDK's SunPKCS11 provider is not available: run on a JDK that includes the module"
              + " jdk.crypto.cryptoki (and add it to a jlink image)");
    }
    String text = providerConfig(config, slotEntry);
    try {
      return sunPkcs11.configure(text);
    } catch (ProviderException | InvalidParameterException e) {
      String detail = rootMessage(e);
      if (config.slotListIndex().isPresent() && detail.contains("slotListIndex")) {
        throw new Pkcs11Exception(Reason.PROVIDER_NOT_FOUND,
            "no " + description + " in PKCS#11 library " + config.library() + " (" + detail + "); "
                + presentBestEffort(config.library()), e);
      }
      throw new Pkcs11Exception(Reason.SERVICE_ERROR,
          "SunPKCS11 cannot use " + description + " of PKCS#11 library " + config.library() + ": " + detail, e);
    }
  }

  /**
   * The SunPKCS11 configuration. Templates make every secret and private key generated or imported
   * through this provider sensitive and non-extractable; generated AES keys may only encrypt and
   * decrypt, generated RSA private keys only decrypt and sign (the certificate).
   */
  static String providerConfig(Pkcs11Config config, String slotEntry) {
    StringBuilder sb = new StringBuilder("--");
    sb.append("name = Envelope-").append(PROVIDER_COUNTER.incrementAndGet()).append('\n');
    sb.append("library = \"").append(config.library()).append("\"\n");
    sb.append(slotEntry).append('\n');
    sb.append("attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n")
        .append("  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n")
        .append("  CKA_ENCRYPT = true\n  CKA_DECRYPT = true\n")
        .append("  CKA_WRAP = false\n  CKA_UNWRAP = false\n  CKA_SIGN = false\n  CKA_VERIFY = false\n  CKA_DERIVE = false\n")
        .append("}\n");
    sb.append("attributes(import, CKO_SECRET_KEY, *) = {\n")
        .append("  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n");
    sb.append("attributes(import, CKO_PRIVATE_KEY, *) = {\n")
        .append("  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n");
    sb.append("attributes(generate, CKO_PRIVATE_KEY, CKK_RSA) = {\n")
        .append("  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n  CKA_UNWRAP = false\n}\n");
    if (!config.disabledMechanisms().isEmpty()) {
      sb.append("disabledMechanisms = {\n");
      config.disabledMechanisms().stream().sorted().forEach(m -> sb.append("  ").append(m).append('\n'));
      sb.append("}\n");
    }
    return sb.toString();
  }

  /** Logs in unless the token is logged in already; zeroes the supplied PIN afterwards. */
  private static void login(Provider provider, Supplier<char[]> pinSupplier, String description, Pkcs11Config config) {
    CallbackHandler handler = callbacks -> {
      for (Callback callback : callbacks) {
        if (!(callback instanceof PasswordCallback)) {
          throw new UnsupportedCallbackException(callback);
        }
        char[] pin = pinSupplier.get();
        if (pin == null) {
          throw new IllegalStateException("the PIN supplier returned null");
        }
        try {
          ((PasswordCallback) callback).setPassword(pin); // copies; SunPKCS11 clears its copy
        } finally {
          Arrays.fill(pin, '\0');
        }
      }
    };
    try {
      ((AuthProvider) provider).login(null, handler);
    } catch (FailedLoginException e) {
      throw new Pkcs11Exception(Reason.ACCESS_DENIED,
          "wrong PIN for " + description + " (the token refused the login with CKR_PIN_INCORRECT);"
              + " check the PIN supplier", e);
    } catch (LoginException e) {
      String detail = rootMessage(e);
      if (detail.contains("No token present")) {
        throw new Pkcs11Exception(Reason.PROVIDER_NOT_FOUND,
            "no token is present for " + description + " in PKCS#11 library " + config.library() + "; "
                + presentBestEffort(config.library()), e);
      }
      throw new Pkcs11Exception(Reason.ACCESS_DENIED,
          "login to " + description + " failed: " + detail + loginHint(detail), e);
    } catch (ProviderException e) {
      throw new Pkcs11Exception(Reason.SERVICE_ERROR,
          "login to " + description + " failed: " + rootMessage(e), e);
    }
  }

  private static String loginHint(String detail) {
    if (detail.contains("CKR_PIN_LOCKED")) {
      return " (the user PIN is locked; the security officer must reset it)";
    }
    if (detail.contains("CKR_USER_PIN_NOT_INITIALIZED")) {
      return " (the token is not initialized; initialize it and set a user PIN)";
    }
    if (detail.contains("password callback")) {
      return " (the PIN supplier failed)";
    }
    return "";
  }

  /** How the token is named in messages, e.g. {@code token 'envelope'}. */
  public String description() {
    return description;
  }

  /**
   * Generates a persistent AES-256 key inside the token, with label {@code label}: sensitive,
   * non-extractable, usable only to encrypt and decrypt.
   *
   * @throws IllegalArgumentException if the label is not 1 to 64 of {@code A-Z a-z 0-9 . _ : @ / + -}
   *     starting with a letter or digit
   * @throws Pkcs11Exception {@code KEY_EXISTS} if the label is taken, {@code
   *     UNSUPPORTED} without {@code CKM_AES_KEY_GEN}, or {@code SERVICE_ERROR}
   */
  public Pkcs11KeyInfo createAesKey(String label) {
    return keys.createAesKey(label);
  }

  /**
   * Generates a persistent RSA key pair inside the token, with label {@code label}: a sensitive,
   * non-extractable private key and a self-signed certificate (signed inside the token) that
   * carries the public key.
   *
   * @param modulusBits 2048, 3072 or 4096
   * @throws Pkcs11Exception {@code KEY_EXISTS}, {@code UNSUPPORTED} (without {@code
   *     CKM_RSA_PKCS_KEY_PAIR_GEN} or {@code CKM_SHA256_RSA_PKCS}) or {@code SERVICE_ERROR}
   */
  public Pkcs11KeyInfo createRsaKeyPair(String label, int modulusBits) {
    return keys.createRsaKeyPair(label, modulusBits);
  }

  /** The token's keys (AES keys, RSA key pairs and any other key entries), sorted by label. */
  public List<Pkcs11KeyInfo> listKeys() {
    return keys.listKeys();
  }

  /**
   * What the token says about the key labelled {@code label}.
   *
   * @throws Pkcs11Exception {@code KEY_NOT_FOUND} (the message lists the labels present)
   */
  public Pkcs11KeyInfo describeKey(String label) {
    return keys.describeKey(label);
  }

  /**
   * Deletes the key labelled {@code label} from the token (for an RSA key pair: the private key
   * and its certificate). Messages whose data keys only this key wrapped can no longer be
   * decrypted. Keyrings already built over the key fail from then on with {@code SERVICE_ERROR}.
   *
   * @throws Pkcs11Exception {@code KEY_NOT_FOUND}, or {@code SERVICE_ERROR} if the token refused
   */
  public void destroyKey(String label) {
    keys.destroyKey(label);
  }

  /**
   * The AES key labelled {@code label} as the key-encryption key of a {@code LocalKeyStore}: the
   * store seals its key files with AES-GCM inside this token, so the KEK never leaves it, and the
   * store keeps rotation, disabling, scheduled destruction, policies and audit, which a token key
   * alone does not have.
   *
   * <pre>{@code
   * token.createAesKey("store-kek");   // once
   * LocalKeyStore store = LocalKeyStore.builder(dir).kek(token.kekSource("store-kek")).openOrCreate();
   * }</pre>
   *
   * Opening the store with another key of this or any token fails with {@code WrongKekException}.
   * Destroying the token key makes every key of the store unreadable.
   *
   * @throws Pkcs11Exception {@code KEY_NOT_FOUND}, {@code WRONG_KEY_TYPE} (not an AES key) or
   *     {@code UNSUPPORTED} (no {@code CKM_AES_GCM})
   */
  public KekSource kekSource(String label) {
    requireService("Cipher", "AES/GCM/NoPadding", "CKM_AES_GCM", "seal a key store's keys with AES-GCM");
    return KekSource.secretKey(aesKey(label), provider);
  }

  /** The AES token key labelled {@code label}. */
  SecretKey aesKey(String label) {
    return keys.aesKey(label);
  }

  /** The RSA key pair labelled {@code label}: the token's private key and the certificate's public key. */
  RsaKeyPair rsaKeyPair(String label) {
    return keys.rsaKeyPair(label);
  }

  /** An RSA private key in the token and its public key. */
  record RsaKeyPair(PrivateKey privateKey, RSAPublicKey publicKey) {}

  /** The SunPKCS11 provider bound to this token. */
  Provider provider() {
    return provider;
  }

  /**
   * Throws {@code UNSUPPORTED} unless the token offers {@code type}/{@code algorithm}:
   * SunPKCS11 registers a service only when the token lists the mechanisms behind it.
   */
  void requireService(String type, String algorithm, String mechanism, String purpose) {
    if (provider.getService(type, algorithm) == null) {
      throw new Pkcs11Exception(Reason.UNSUPPORTED,
          description + " does not offer " + mechanism + " (" + type + " " + algorithm + " in SunPKCS11),"
              + " which is needed to " + purpose + "; use a token that supports it");
    }
  }

  /** A freshly loaded view of the token's keys (the key store caches aliases at load). */
  KeyStore keyStore() {
    login(provider, config.pin(), description, config);
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
      keyStore.load(null, null);
      return keyStore;
    } catch (GeneralSecurityException | IOException | ProviderException e) {
      throw keys.failure("list the keys", e);
    }
  }

  private static String present(List<TokenDirectory.Slot> slots) {
    if (slots.isEmpty()) {
      return "the library has no slots";
    }
    List<String> labels = slots.stream().filter(TokenDirectory.Slot::initialized)
        .map(s -> "'" + s.label() + "'").collect(Collectors.toList());
    return (labels.isEmpty() ? "it has no initialized token" : "the tokens present are " + String.join(", ", labels))
        + " (" + slots.stream().map(TokenDirectory.Slot::describe).collect(Collectors.joining("; ")) + ")";
  }

  private static String presentBestEffort(Path library) {
    try {
      return present(TokenDirectory.slots(library));
    } catch (RuntimeException e) {
      return "the tokens present could not be listed (" + e.getMessage() + ")";
    }
  }

  /** The innermost message, which for SunPKCS11 failures is the PKCS#11 return code (CKR_...). */
  static String rootMessage(Throwable t) {
    return Errors.rootMessage(t);
  }

  /** Names the token; never the PIN. */
  @Override
  public String toString() {
    return "Pkcs11Token[" + description + ", library=" + config.library() + "]";
  }
}
