package dev.envelope.pkcs11;

import dev.envelope.KeyProviderException.Reason;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The key lifecycle of one {@link Pkcs11Token}: creating, listing, describing, finding and deleting
 * the token objects behind its keys, on a freshly loaded SunPKCS11 key store for each call. The
 * token itself (loading the library, finding the slot, logging in) stays in {@link Pkcs11Token},
 * whose public methods of the same names document these. Admin calls are serialized.
 */
final class TokenKeys {
  private static final Pattern NEW_LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,63}");
  private static final int MAX_LABELS_IN_MESSAGE = 20;

  private final Pkcs11Token token;
  private final SecureRandom random = new SecureRandom();
  private final Object adminLock = new Object();

  TokenKeys(Pkcs11Token token) {
    this.token = token;
  }

  Pkcs11KeyInfo createAesKey(String label) {
    checkNewLabel(label);
    token.requireService("KeyGenerator", "AES", "CKM_AES_KEY_GEN", "create AES keys");
    synchronized (adminLock) {
      KeyStore keyStore = token.keyStore();
      requireUnused(keyStore, label);
      try {
        KeyGenerator generator = KeyGenerator.getInstance("AES", token.provider());
        generator.init(256, random);
        SecretKey sessionKey = generator.generateKey();
        // The key store copies the session key into a token object labelled `label`.
        keyStore.setEntry(label, new KeyStore.SecretKeyEntry(sessionKey), null);
      } catch (GeneralSecurityException | ProviderException e) {
        throw failure("create AES key '" + label + "'", e);
      }
      return describeKey(label);
    }
  }

  Pkcs11KeyInfo createRsaKeyPair(String label, int modulusBits) {
    checkNewLabel(label);
    if (modulusBits != 2048 && modulusBits != 3072 && modulusBits != 4096) {
      throw new IllegalArgumentException("RSA modulus size must be 2048, 3072 or 4096 bits, not " + modulusBits);
    }
    token.requireService("KeyPairGenerator", "RSA", "CKM_RSA_PKCS_KEY_PAIR_GEN", "create RSA key pairs");
    token.requireService("Signature", "SHA256withRSA", "CKM_SHA256_RSA_PKCS", "sign the key pair's certificate");
    synchronized (adminLock) {
      KeyStore keyStore = token.keyStore();
      requireUnused(keyStore, label);
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", token.provider());
        generator.initialize(modulusBits, random);
        KeyPair pair = generator.generateKeyPair();
        X509Certificate certificate = SelfSignedCertificate.create(label, pair, token.provider(), random);
        // The key store copies the session private key into a token object (CKA_ID = label)
        // and stores the certificate (CKA_LABEL = CKA_ID = label).
        keyStore.setKeyEntry(label, pair.getPrivate(), null, new Certificate[] {certificate});
      } catch (GeneralSecurityException | ProviderException e) {
        throw failure("create RSA key pair '" + label + "'", e);
      }
      return describeKey(label);
    }
  }

  List<Pkcs11KeyInfo> listKeys() {
    synchronized (adminLock) {
      KeyStore keyStore = token.keyStore();
      List<Pkcs11KeyInfo> keys = new ArrayList<>();
      for (String alias : aliases(keyStore)) {
        Pkcs11KeyInfo info = info(keyStore, alias);
        if (info != null) {
          keys.add(info);
        }
      }
      keys.sort(Comparator.comparing(Pkcs11KeyInfo::label));
      return List.copyOf(keys);
    }
  }

  Pkcs11KeyInfo describeKey(String label) {
    Objects.requireNonNull(label, "label");
    synchronized (adminLock) {
      KeyStore keyStore = token.keyStore();
      Pkcs11KeyInfo info = containsAlias(keyStore, label) ? info(keyStore, label) : null;
      if (info == null) {
        throw keyNotFound(keyStore, label);
      }
      return info;
    }
  }

  void destroyKey(String label) {
    Objects.requireNonNull(label, "label");
    synchronized (adminLock) {
      KeyStore keyStore = token.keyStore();
      if (!containsAlias(keyStore, label)) {
        throw keyNotFound(keyStore, label);
      }
      try {
        keyStore.deleteEntry(label);
      } catch (GeneralSecurityException | ProviderException e) {
        throw failure("destroy key '" + label + "'", e);
      }
    }
  }

  /** The AES token key labelled {@code label}. */
  SecretKey aesKey(String label) {
    KeyStore keyStore = token.keyStore();
    Key key = key(keyStore, label);
    if (!(key instanceof SecretKey) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new Pkcs11Exception(Reason.WRONG_KEY_TYPE,
          "key '" + label + "' on " + token.description() + " is " + kind(keyStore, label, key)
              + ", not an AES secret key; give the label of an AES key (or use an RSA keyring for an RSA key pair)");
    }
    return (SecretKey) key;
  }

  /** The RSA key pair labelled {@code label}: the token's private key and the certificate's public key. */
  Pkcs11Token.RsaKeyPair rsaKeyPair(String label) {
    KeyStore keyStore = token.keyStore();
    Key key = key(keyStore, label);
    Certificate certificate;
    try {
      certificate = keyStore.getCertificate(label);
    } catch (GeneralSecurityException | ProviderException e) {
      throw failure("read the certificate of key '" + label + "'", e);
    }
    if (!(key instanceof PrivateKey) || !"RSA".equalsIgnoreCase(key.getAlgorithm())
        || certificate == null || !(certificate.getPublicKey() instanceof RSAPublicKey)) {
      throw new Pkcs11Exception(Reason.WRONG_KEY_TYPE,
          "key '" + label + "' on " + token.description() + " is " + kind(keyStore, label, key)
              + ", not an RSA key pair; give the label of an RSA key pair (or leave rsaPadding unset for an AES key)");
    }
    return new Pkcs11Token.RsaKeyPair((PrivateKey) key, (RSAPublicKey) certificate.getPublicKey());
  }

  private Key key(KeyStore keyStore, String label) {
    Objects.requireNonNull(label, "label");
    if (!containsAlias(keyStore, label)) {
      throw keyNotFound(keyStore, label);
    }
    try {
      return keyStore.getKey(label, null);
    } catch (GeneralSecurityException | ProviderException e) {
      throw failure("read key '" + label + "'", e);
    }
  }

  private Pkcs11KeyInfo info(KeyStore keyStore, String alias) {
    try {
      if (!keyStore.isKeyEntry(alias)) {
        return null; // a certificate on its own is not a key
      }
      Key key = keyStore.getKey(alias, null);
      Certificate certificate = keyStore.getCertificate(alias);
      Pkcs11KeyInfo.Type type;
      int bits = 0;
      if (key instanceof SecretKey && "AES".equalsIgnoreCase(key.getAlgorithm())) {
        type = Pkcs11KeyInfo.Type.AES;
      } else if (key instanceof PrivateKey && certificate != null && certificate.getPublicKey() instanceof RSAPublicKey) {
        type = Pkcs11KeyInfo.Type.RSA;
        bits = ((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength();
      } else {
        type = Pkcs11KeyInfo.Type.OTHER;
      }
      return new Pkcs11KeyInfo(alias, type, key == null ? "unknown" : key.getAlgorithm(), bits, exportable(key));
    } catch (GeneralSecurityException | ProviderException e) {
      throw failure("describe key '" + alias + "'", e);
    }
  }

  /** Whether the token hands out the key's bytes; any bytes it hands out are zeroed at once. */
  private static boolean exportable(Key key) {
    if (key == null) {
      return false;
    }
    byte[] encoded = key.getEncoded();
    if (encoded == null) {
      return false;
    }
    Arrays.fill(encoded, (byte) 0);
    return true;
  }

  private String kind(KeyStore keyStore, String label, Key key) {
    try {
      if (key instanceof SecretKey) {
        return article(key.getAlgorithm()) + " secret key";
      }
      if (key instanceof PrivateKey) {
        return keyStore.getCertificate(label) == null
            ? article(key.getAlgorithm()) + " private key without certificate"
            : article(key.getAlgorithm()) + " key pair";
      }
      return key == null ? "a certificate" : article(key.getAlgorithm()) + " key";
    } catch (GeneralSecurityException e) {
      return "a key of unknown type";
    }
  }

  /** "an AES", "an RSA", "a Generic Secret", "a DSA": by how the algorithm name is spoken. */
  private static String article(String algorithm) {
    if (algorithm.isEmpty()) {
      return "a key of unnamed algorithm";
    }
    char first = Character.toUpperCase(algorithm.charAt(0));
    boolean acronym = algorithm.equals(algorithm.toUpperCase(java.util.Locale.ROOT));
    boolean an = "AEIOU".indexOf(first) >= 0 || (acronym && "FHLMNRSX".indexOf(first) >= 0);
    return (an ? "an " : "a ") + algorithm;
  }

  private static List<String> aliases(KeyStore keyStore) {
    try {
      List<String> aliases = Collections.list(keyStore.aliases());
      Collections.sort(aliases);
      return aliases;
    } catch (GeneralSecurityException e) {
      throw new Pkcs11Exception(Reason.SERVICE_ERROR, "cannot list the token's keys", e);
    }
  }

  private static boolean containsAlias(KeyStore keyStore, String label) {
    try {
      return keyStore.containsAlias(label);
    } catch (GeneralSecurityException e) {
      throw new Pkcs11Exception(Reason.SERVICE_ERROR, "cannot list the token's keys", e);
    }
  }

  private void requireUnused(KeyStore keyStore, String label) {
    if (containsAlias(keyStore, label)) {
      throw new Pkcs11Exception(Reason.KEY_EXISTS,
          token.description() + " already has a key labelled '" + label + "'; choose another label"
              + " (destroyKey deletes the existing key, and every message only it can decrypt)");
    }
  }

  private Pkcs11Exception keyNotFound(KeyStore keyStore, String label) {
    List<String> labels = aliases(keyStore);
    String shown = labels.isEmpty()
        ? "it holds no keys"
        : "its keys are " + labels.stream().limit(MAX_LABELS_IN_MESSAGE).map(l -> "'" + l + "'").collect(Collectors.joining(", "))
            + (labels.size() > MAX_LABELS_IN_MESSAGE ? " and " + (labels.size() - MAX_LABELS_IN_MESSAGE) + " more" : "");
    return new Pkcs11Exception(Reason.KEY_NOT_FOUND,
        "no key labelled '" + label + "' on " + token.description() + "; " + shown
            + " (create one with createAesKey or createRsaKeyPair)");
  }

  /** A {@code SERVICE_ERROR} naming the action, the token and the PKCS#11 return code. */
  Pkcs11Exception failure(String action, Exception e) {
    return new Pkcs11Exception(Reason.SERVICE_ERROR,
        "cannot " + action + " on " + token.description() + ": " + Pkcs11Token.rootMessage(e), e);
  }

  private static void checkNewLabel(String label) {
    Objects.requireNonNull(label, "label");
    if (!NEW_LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(
          "a new key label must be 1 to 64 of A-Z a-z 0-9 . _ : @ / + - and start with a letter or digit: '"
              + label + "'");
    }
  }
}
