package dev.envelope.internal.format;

import dev.envelope.EncryptionMaterials.PlaintextMeter;
import dev.envelope.PolicyViolationException;
import dev.envelope.internal.crypto.CryptoBugException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SignatureException;
import java.util.Arrays;

/**
 * Streaming encryption in constant memory: one frame of plaintext is buffered, and a frame is
 * written only once the next byte shows it is not the last one, so the final frame always holds
 * the last 1 … F bytes (the spec's SHOULD) and the length never has to be known up front.
 *
 * <p>Not thread-safe, like any {@link OutputStream}. After a failure the stream refuses further
 * writes; what was written so far is not a valid message.
 */
final class EncryptingOutputStream extends OutputStream {
  private final OutputStream out;
  private final MessageWriter.Prepared p;
  private final PlaintextMeter meter;
  private final long bound;
  private final int frameLength;
  private final byte[] buffer;
  private final byte[] frame;
  private int buffered;
  private long seq = 1;
  private long total;
  private boolean headerWritten;
  private boolean closed;
  private boolean failed;

  EncryptingOutputStream(OutputStream out, MessageWriter.Prepared p, PlaintextMeter meter, long bound) {
    this.out = out;
    this.p = p;
    this.meter = meter;
    this.bound = bound;
    this.frameLength = p.codec.frameLength();
    this.buffer = new byte[frameLength];
    this.frame = new byte[frameLength + FrameCodec.FINAL_OVERHEAD];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return;
    }
    try {
      account(len);
      while (len > 0) {
        if (buffered == frameLength) {
          // More data follows, so the buffered frame is a regular one.
          emitRegular(buffer, 0);
          buffered = 0;
        }
        if (buffered == 0 && len > frameLength) {
          // Encrypt straight from the caller's array while at least one more byte follows.
          emitRegular(b, off);
          off += frameLength;
          len -= frameLength;
          continue;
        }
        int n = Math.min(len, frameLength - buffered);
        System.arraycopy(b, off, buffer, buffered, n);
        buffered += n;
        off += n;
        len -= n;
      }
    } catch (RuntimeException | IOException e) {
      failed = true;
      throw e;
    }
  }

  private void account(int len) {
    total += len;
    if (bound >= 0 && total > bound) {
      throw new PolicyViolationException(
          "more plaintext was written than the declared bound of " + bound + " bytes");
    }
    if (meter != null) {
      meter.charge(len);
    }
  }

  private void emitRegular(byte[] src, int off) throws IOException {
    if (seq >= FrameCodec.MAX_FRAMES) {
      throw new PolicyViolationException(
          "the message would exceed 2^32 - 1 frames; use a larger frame size");
    }
    writeHeaderOnce();
    int end = p.codec.encryptRegular(seq++, src, off, frame, 0);
    emit(frame, end);
  }

  private void writeHeaderOnce() throws IOException {
    if (!headerWritten) {
      headerWritten = true;
      emit(p.buffer, p.headerLength);
    }
  }

  private void emit(byte[] bytes, int len) throws IOException {
    if (p.signer != null) {
      try {
        p.signer.update(bytes, 0, len);
      } catch (SignatureException e) {
        throw new CryptoBugException("signature not initialized", e);
      }
    }
    out.write(bytes, 0, len);
  }

  @Override
  public void flush() throws IOException {
    ensureOpen();
    out.flush();
  }

  /** Writes the final frame and footer, then closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (failed) {
        return;
      }
      writeHeaderOnce();
      int end = p.codec.encryptFinal(seq, buffer, 0, buffered, frame, 0);
      emit(frame, end);
      if (p.signer != null) {
        byte[] signature = p.signer.sign();
        byte[] footer = new byte[2 + signature.length];
        Bytes.putU16(footer, 0, signature.length);
        System.arraycopy(signature, 0, footer, 2, signature.length);
        out.write(footer);
      }
      out.flush();
    } catch (SignatureException e) {
      throw new CryptoBugException("ECDSA signing failed", e);
    } finally {
      Arrays.fill(buffer, (byte) 0);
      out.close();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("the encrypting stream is closed");
    }
    if (failed) {
      throw new IOException("the encrypting stream failed earlier; its output is not a valid message");
    }
  }
}
