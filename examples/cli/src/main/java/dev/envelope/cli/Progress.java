package dev.envelope.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, drawn with carriage returns and erased when done, so it never
 * adds a line to the output. Drawn only when stderr is a terminal, {@code --quiet} is off and the
 * input's size is known and large; otherwise every method does nothing.
 */
final class Progress implements AutoCloseable {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final String label;
  private final long total;
  private final boolean enabled;
  private long done;
  private long lastDraw;
  private int drawnLength;

  private Progress(PrintWriter err, String label, long total, boolean enabled) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.enabled = enabled;
  }

  /** A bar for {@code total} bytes, if {@code io} and {@code quiet} allow one. */
  static Progress of(Io io, boolean quiet, String label, long total) {
    boolean enabled = !quiet && io.stderrIsTerminal() && total >= 0 && total >= io.progressThreshold();
    return new Progress(io.stderr(), label, total, enabled);
  }

  /** {@code in}, counting what is read from it into this bar. */
  InputStream counting(InputStream in) {
    if (!enabled) {
      return in;
    }
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
          advance(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = in.read(buffer, off, len);
        if (n > 0) {
          advance(n);
        }
        return n;
      }
    };
  }

  void advance(long bytes) {
    if (!enabled) {
      return;
    }
    done += bytes;
    long now = System.nanoTime();
    if (drawnLength == 0 || now - lastDraw >= REDRAW_NANOS || done >= total) {
      lastDraw = now;
      draw();
    }
  }

  private void draw() {
    int percent = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
    int filled = percent * WIDTH / 100;
    String line = String.format(Locale.ROOT, "%s %3d%% [%s%s] %s / %s",
        label, percent, "#".repeat(filled), " ".repeat(WIDTH - filled), human(done), human(total));
    err.print('\r' + line);
    err.flush();
    drawnLength = line.length();
  }

  /** Erases the bar, leaving the cursor at the start of an empty line. */
  @Override
  public void close() {
    if (enabled && drawnLength > 0) {
      err.print('\r' + " ".repeat(drawnLength) + '\r');
      err.flush();
      drawnLength = 0;
    }
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
