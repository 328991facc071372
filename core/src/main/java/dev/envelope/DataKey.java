package dev.envelope;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * The one holder of a plaintext data key. It owns its bytes, hands out copies only through
 * {@link #copyPlaintext()}, and zeroes them on {@link #close()} or {@link #destroy()}.
 *
 * <p>Use it with try-with-resources. After it is closed every access throws {@link
 * IllegalStateException}. It has no {@code equals} or {@code hashCode}; compare keys with {@link
 * #sameKeyAs(DataKey)}, which runs in constant time. {@link #toString()} never shows the key.
 *
 * <p>Zeroization on the JVM is best effort: the garbage collector may have copied the array
 * before it was zeroed, and cipher implementations keep their own key schedules.
 *
 * <p>Thread-safe for concurrent reads; closing while another thread reads is a caller error.
 */
public final class DataKey implements Destroyable, AutoCloseable {
  private final byte[] bytes;
  private volatile boolean destroyed;

  private DataKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A holder of a copy of {@code key}; the caller keeps (and should zero) its own array. */
  public static DataKey copyOf(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length == 0) {
      throw new IllegalArgumentException("a data key cannot be empty");
    }
    return new DataKey(key.clone());
  }

  /** A fresh random key of {@code length} bytes from {@code random}. */
  public static DataKey generate(int length, SecureRandom random) {
    if (length <= 0) {
      throw new IllegalArgumentException("data key length must be positive: " + length);
    }
    byte[] key = new byte[length];
    random.nextBytes(key);
    return new DataKey(key);
  }

  /** An independent holder of the same key, for callers (such as a cache) that outlive this one. */
  public DataKey copy() {
    checkNotDestroyed();
    return new DataKey(bytes.clone());
  }

  /** The key length in bytes. */
  public int length() {
    return bytes.length;
  }

  /**
   * A copy of the plaintext key bytes. The caller owns the copy and must zero it ({@code
   * Arrays.fill(copy, (byte) 0)}) when done.
   */
  public byte[] copyPlaintext() {
    checkNotDestroyed();
    return bytes.clone();
  }

  /** Whether both hold the same key bytes, compared in constant time. */
  public boolean sameKeyAs(DataKey other) {
    checkNotDestroyed();
    other.checkNotDestroyed();
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  /** Zeroes the key. Idempotent. */
  @Override
  public void destroy() {
    destroyed = true;
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** Same as {@link #destroy()}. */
  @Override
  public void close() {
    destroy();
  }

  private void checkNotDestroyed() {
    if (destroyed) {
      throw new IllegalStateException("this data key was already closed and zeroed");
    }
  }

  @Override
  public String toString() {
    return "DataKey[" + bytes.length + " bytes, redacted" + (destroyed ? ", destroyed]" : "]");
  }
}
