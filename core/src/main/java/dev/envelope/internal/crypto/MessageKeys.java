package dev.envelope.internal.crypto;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DataKey;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one message, derived from its data key (spec: framework/algorithm-suites.md, key
 * derivation):
 *
 * <ul>
 *   <li>no KDF (0x0014, 0x0046, 0x0078): the content key is the data key;
 *   <li>HKDF without commitment: salt = HashLen zero bytes, info = suite id (2) ‖ message id (16);
 *   <li>HKDF-SHA512 with commitment (0x0478, 0x0578): salt = message id (32); content key = expand
 *       with info = suite id ‖ "DERIVEKEY"; commit key = expand with info = "COMMITKEY". One extract,
 *       two expands from the same keyed MAC.
 * </ul>
 */
public final class MessageKeys implements AutoCloseable {
  private static final byte[] DERIVE_KEY = "DERIVEKEY".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMIT_KEY = "COMMITKEY".getBytes(StandardCharsets.US_ASCII);
  public static final int COMMIT_KEY_LENGTH = 32;

  private final SecretKeySpec contentKey;
  private final byte[] commitKey;

  private MessageKeys(SecretKeySpec contentKey, byte[] commitKey) {
    this.contentKey = contentKey;
    this.commitKey = commitKey;
  }

  public static MessageKeys derive(AlgorithmSuite suite, DataKey dataKey, byte[] messageId) {
    return derive(Primitives.defaults(), suite, dataKey, messageId);
  }

  /** Derives the message's keys with the HMACs of {@code primitives}. */
  public static MessageKeys derive(
      Primitives primitives, AlgorithmSuite suite, DataKey dataKey, byte[] messageId) {
    byte[] ikm = dataKey.copyPlaintext();
    byte[] prk = null;
    byte[] content = null;
    try {
      switch (suite.kdf()) {
        case NONE:
          return new MessageKeys(new SecretKeySpec(ikm, "AES"), null);
        case HKDF_SHA256:
        case HKDF_SHA384: {
          String alg = suite.kdf().macAlgorithm();
          prk = Hkdf.extract(primitives, alg, null, ikm);
          byte[] info = new byte[2 + messageId.length];
          info[0] = (byte) (suite.id() >>> 8);
          info[1] = (byte) suite.id();
          System.arraycopy(messageId, 0, info, 2, messageId.length);
          content = Hkdf.expand(primitives, alg, prk, info, suite.dataKeyLength());
          return new MessageKeys(new SecretKeySpec(content, "AES"), null);
        }
        case HKDF_SHA512: {
          String alg = suite.kdf().macAlgorithm();
          prk = Hkdf.extract(primitives, alg, messageId, ikm);
          Mac mac = primitives.hmac(alg);
          mac.init(new SecretKeySpec(prk, alg));
          byte[] info = new byte[2 + DERIVE_KEY.length];
          info[0] = (byte) (suite.id() >>> 8);
          info[1] = (byte) suite.id();
          System.arraycopy(DERIVE_KEY, 0, info, 2, DERIVE_KEY.length);
          content = Hkdf.expandWithKeyedMac(mac, info, suite.dataKeyLength());
          byte[] commit = Hkdf.expandWithKeyedMac(mac, COMMIT_KEY, COMMIT_KEY_LENGTH);
          return new MessageKeys(new SecretKeySpec(content, "AES"), commit);
        }
        default:
          throw new CryptoBugException("unhandled KDF " + suite.kdf());
      }
    } catch (InvalidKeyException e) {
      throw new CryptoBugException("HMAC rejected the HKDF pseudorandom key", e);
    } finally {
      Arrays.fill(ikm, (byte) 0);
      if (prk != null) {
        Arrays.fill(prk, (byte) 0);
      }
      if (content != null) {
        Arrays.fill(content, (byte) 0);
      }
    }
  }

  /** The AES content key for the header tag and the body. */
  public SecretKeySpec contentKey() {
    return contentKey;
  }

  /** The commit key written into (and checked against) a version-2 header; null otherwise. */
  public byte[] commitKey() {
    return commitKey;
  }

  /** Whether {@code candidate} equals the derived commit key, in constant time. */
  public boolean commitKeyMatches(byte[] candidate) {
    return commitKey != null && MessageDigest.isEqual(commitKey, candidate);
  }

  /** Best effort: {@link SecretKeySpec} keeps a copy that only the garbage collector reclaims. */
  @Override
  public void close() {
    if (commitKey != null) {
      Arrays.fill(commitKey, (byte) 0);
    }
  }
}
