package dev.envelope.cli;

import dev.envelope.local.LocalKeyStore;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.LocalKmsServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code envelope kms-server}: starts the {@link LocalKmsServer} its {@link KmsServerSettings}
 * configure, prints how to use it and waits for the stop signal, then stops it cleanly.
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
   * Runs the endpoint of {@code settings} until {@code stopSignal} (null: SIGINT or SIGTERM) says to
   * stop.
   *
   * @return the exit status, 0 once stopped
   * @throws CliFailure for an unreadable key store, a wrong passphrase, or a port that cannot be
   *     bound
   */
  static int run(KmsServerSettings settings, Io io, StopSignal stopSignal) throws InterruptedException {
    LocalKeyStore shared = null;
    if (settings.keyStoreAddress() != null) {
      // A store in PostgreSQL: opened (or created) here, served by as many endpoints as run.
      shared = KeyStores.openOrCreate(settings.keyStoreAddress(), settings.passphraseFile(),
          LocalKmsServer.SERVICE_CALLER, io).store();
      settings.builder().keyStore(shared);
    }
    try {
      return serve(settings, io, stopSignal);
    } finally {
      if (shared != null) {
        shared.close();
      }
    }
  }

  private static int serve(KmsServerSettings settings, Io io, StopSignal stopSignal) throws InterruptedException {
    Telemetry telemetry = Telemetry.current();
    LocalKmsServer server = start(telemetry.serving(settings.builder()));
    if (settings.keyStoreAddress() == null) {
      telemetry.audit(server.keyStore()); // a shared store was audited when it was opened
    }
    if (settings.remoteHost() != null) {
      io.stderr().println("envelope: warning: kms-server listens on " + settings.remoteHost() + ", beyond"
          + " loopback, over plain HTTP: anyone on the network can read the calls, data keys included");
      io.stderr().flush();
    }
    PrintStream out = new PrintStream(io.stdout(), true, StandardCharsets.UTF_8);
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      describe(server, settings, out);
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
      // Before the signal handler lets the JVM end: what the endpoint served is exported now.
      telemetry.close();
      out.println(STOPPED);
      out.flush();
      stopped.countDown();
    }
    return ExitCode.OK.code();
  }

  /**
   * Prints what a person needs to use the running endpoint, one item per line: the first line is
   * {@code Local KMS endpoint listening on <endpoint> (regions ...; account ...)}, then where the
   * keys live, the generated credentials (only if none were configured: they are this run's only way
   * in), and how to point the AWS CLI and SDKs at it.
   */
  static void describe(LocalKmsServer server, KmsServerSettings settings, PrintStream out) {
    out.println(LISTENING + server.endpoint() + " (regions " + String.join(", ", server.regions())
        + "; account " + server.accountId() + ")");
    if (settings.ephemeral()) {
      out.println("Keys: an ephemeral key store, deleted when the endpoint stops (use --keystore DIR to"
          + " keep keys)");
    } else if (settings.keyStoreAddress() != null) {
      out.println("Keys: the key store at " + settings.keyStoreAddress() + " (audit log in its database; other"
          + " endpoints may serve it at once)");
    } else {
      out.println("Keys: the key store in " + server.keyStore().directory() + " (audit log "
          + server.keyStore().auditLogFile() + ")");
    }
    if (settings.generatedCredentials()) {
      KmsCredentials c = server.credentials().get(0);
      out.println("Generated credentials (this run only):");
      out.println("  export AWS_ACCESS_KEY_ID=" + c.accessKeyId());
      out.println("  export AWS_SECRET_ACCESS_KEY=" + c.secretAccessKey());
    }
    out.println("Use it with: --endpoint-url " + server.endpoint() + " (AWS CLI) or"
        + " KmsClient.builder().endpointOverride(URI.create(\"" + server.endpoint() + "\"))");
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
