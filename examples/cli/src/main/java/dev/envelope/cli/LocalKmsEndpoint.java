package dev.envelope.cli;

import dev.envelope.localkms.LocalKmsServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code envelope kms-server}: configures a {@link LocalKmsServer} with {@link LocalKmsServer#fromArgs},
 * starts it, prints how to use it and waits for the stop signal, then stops it cleanly.
 */
final class LocalKmsEndpoint {
  /** The first line printed, followed by the endpoint URL. */
  static final String LISTENING = "Local KMS endpoint listening on ";
  /** The last line printed, once the endpoint has stopped and released the key store. */
  static final String STOPPED = "Local KMS endpoint stopped";

  private LocalKmsEndpoint() {}

  /** What the command waits for before it stops the endpoint. */
  interface StopSignal {
    /**
     * Returns when the endpoint should stop. {@code stopped} is counted down once it has: a
     * signal handler waits for it, so the process ends only after a clean stop.
     */
    void await(CountDownLatch stopped) throws InterruptedException;
  }

  /** Waits for SIGINT or SIGTERM (the JVM's shutdown), then lets the command stop cleanly first. */
  private static void untilShutdown(CountDownLatch stopped) throws InterruptedException {
    CountDownLatch signalled = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      signalled.countDown();
      try {
        stopped.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "envelope-kms-server-stop"));
    signalled.await();
  }

  /**
   * Runs the endpoint until {@code stopSignal} (null: SIGINT or SIGTERM) says to stop.
   *
   * @return the exit status, 0 once stopped
   * @throws CliFailure for bad options, an unreadable passphrase file or key store, a wrong
   *     passphrase, or a port that cannot be bound
   */
  static int run(String[] args, Io io, StopSignal stopSignal) throws InterruptedException {
    LocalKmsServer.Builder builder;
    try {
      builder = LocalKmsServer.fromArgs(args, io.environment());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliFailure(ExitCode.USAGE, "kms-server: " + e.getMessage() + " (see 'envelope kms-server --help')", e);
    } catch (UncheckedIOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the passphrase file", e.getCause());
    }
    if (builder == null) { // LocalKmsServer's own spelling of help
      Stdout.print(io, LocalKmsServer.usage() + "\n");
      return ExitCode.OK.code();
    }
    LocalKmsServer server = start(builder);
    PrintStream out = new PrintStream(io.stdout(), true, StandardCharsets.UTF_8);
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      server.describe(out);
      String url = server.endpoint().toString();
      out.println("AWS CLI and SDKs: export AWS_ENDPOINT_URL_KMS=" + url + " (sign with the credentials the"
          + " endpoint accepts; any region it serves)");
      out.println("envelope: encrypt/decrypt ... --kms-endpoint " + url + " --kms-key <key ARN>");
      out.println("Stop with Ctrl-C (SIGINT) or SIGTERM.");
      out.flush();
      if (stopSignal == null) {
        untilShutdown(stopped);
      } else {
        stopSignal.await(stopped);
      }
    } finally {
      server.close();
      out.println(STOPPED);
      out.flush();
      stopped.countDown();
    }
    return ExitCode.OK.code();
  }

  private static LocalKmsServer start(LocalKmsServer.Builder builder) {
    try {
      return builder.start();
    } catch (BindException e) {
      throw new CliFailure(ExitCode.ENDPOINT, "kms-server: cannot listen: " + e.getMessage()
          + "; choose another --port (0 picks a free one) or stop what listens there", e);
    } catch (IOException e) {
      throw new CliFailure(ExitCode.ENDPOINT, "kms-server: cannot start: " + Failures.reason(e), e);
    } catch (UncheckedIOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the key store", e.getCause());
    }
  }
}
