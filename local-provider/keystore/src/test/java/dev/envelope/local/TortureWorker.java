package dev.envelope.local;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A child process of {@link TortureTest}. Role {@code kek} changes the store's passphrase back and
 * forth for ever; role {@code ops} creates keys (createKeyIfAbsent), rotates, disables and enables
 * them, and encrypts blobs and Envelope messages, appending each success to its journal only after
 * the store returned. Both reopen the store when a passphrase change made their instance stale.
 * Prints {@code ready} once it has opened the store; exits with status 3 on an unexpected failure.
 */
public final class TortureWorker {
  static final String[] PASSPHRASES = {"torture passphrase zero", "torture passphrase one"};
  static final EncryptionContext CONTEXT = EncryptionContext.of("torture", "yes");
  static final int ALIASES = 6;
  /** Small audit segments, so that processes killed at random also interrupt rotations. */
  static final long AUDIT_SEGMENT_BYTES = 16 * 1024;

  private TortureWorker() {}

  static KekSource kek(int i) {
    return KekSource.passphrase(PASSPHRASES[i & 1].toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  /** Opens the store with whichever passphrase it has now; returns the store and sets which[0]. */
  static LocalKeyStore open(Path dir, String caller, int[] which) {
    for (int attempt = 0; ; attempt++) {
      try {
        LocalKeyStore s = LocalKeyStore.builder(dir).kek(kek(attempt)).callerLabel(caller)
            .auditSegmentBytes(AUDIT_SEGMENT_BYTES).open();
        which[0] = attempt & 1;
        return s;
      } catch (WrongKekException changedMeanwhile) {
        if (attempt > 10_000) {
          throw changedMeanwhile;
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String role = args[1];
    Path journal = Path.of(args[2]);
    Random random = new Random(Long.parseLong(args[3]));
    int[] which = new int[1];
    boolean ready = false;
    try {
      while (true) {
        LocalKeyStore store = open(dir, "torture-" + role, which);
        if (!ready) {
          System.out.println("ready");
          System.out.flush();
          ready = true;
        }
        try {
          if (role.equals("kek")) {
            // Not back to back: a change holds the store lock while it re-seals every key (a few
            // fsyncs each), and the others must get work done between changes.
            Thread.sleep(400 + random.nextInt(800));
            store.changeKek(kek(which[0] + 1));
          } else {
            while (true) {
              operate(store, random, journal);
            }
          }
        } catch (WrongKekException stale) {
          // Another process changed the passphrase: reopen.
        } finally {
          store.close();
        }
      }
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.flush();
      System.exit(3);
    }
  }

  private static void operate(LocalKeyStore store, Random random, Path journal) throws Exception {
    String alias = "k" + random.nextInt(ALIASES);
    int dice = random.nextInt(100);
    try {
      if (dice < 10) {
        store.createKeyIfAbsent(CreateKeyRequest.withAlias(alias));
        append(journal, "key " + alias);
      } else if (dice < 18) {
        store.rotateKey(alias);
      } else if (dice < 26) {
        store.disableKey(alias);
      } else if (dice < 40) {
        store.enableKey(alias);
      } else {
        byte[] plain = new byte[1 + random.nextInt(64)];
        random.nextBytes(plain);
        String b64 = Base64.getEncoder().encodeToString(plain);
        if (dice < 70) {
          byte[] blob = store.encrypt(alias, plain, CONTEXT);
          append(journal, "blob " + alias + " " + Base64.getEncoder().encodeToString(blob) + " " + b64);
        } else {
          Envelope envelope = Fixtures.fastEnvelope(store.keyring(alias));
          byte[] message = envelope.encrypt(plain, CONTEXT);
          append(journal, "message " + alias + " " + Base64.getEncoder().encodeToString(message) + " " + b64);
        }
      }
    } catch (KeyNotFoundException | KeyStateException expected) {
      // Not created yet, or disabled: part of the mix.
    }
  }

  private static void append(Path journal, String line) throws Exception {
    Files.write(journal, List.of(line), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
