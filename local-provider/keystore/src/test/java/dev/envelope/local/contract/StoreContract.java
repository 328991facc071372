package dev.envelope.local.contract;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every contract class: a fresh {@link StoreHomeFixture} per test from the home under
 * test ({@link #newHome}), closed after it. Stores use {@link
 * PassphraseKdfParameters#insecureForTests()} so that the many stores the suite opens stay fast.
 */
public abstract class StoreContract {
  public static final String PASSPHRASE = "correct horse battery staple";

  /** This test's home. */
  protected StoreHomeFixture home;
  private final List<StoreHomeFixture> homes = new ArrayList<>();

  /** A fresh, empty home of the kind under test. */
  protected abstract StoreHomeFixture newHome();

  @BeforeEach
  protected void openHome() {
    home = anotherHome();
  }

  @AfterEach
  protected void closeHomes() {
    homes.forEach(StoreHomeFixture::close);
  }

  /** A second fresh home of the same kind (another store), closed after the test. */
  protected StoreHomeFixture anotherHome() {
    StoreHomeFixture h = newHome();
    homes.add(h);
    return h;
  }

  /** A builder for a store instance in this test's home, with the test passphrase KEK. */
  protected LocalKeyStore.Builder builder() {
    return home.builder().kek(kek());
  }

  public static KekSource kek() {
    return KekSource.passphrase(PASSPHRASE.toCharArray(), PassphraseKdfParameters.insecureForTests());
  }

  /** An envelope with the default (signing, committing) suite. */
  public static Envelope envelope(Keyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  /** An envelope with the committing unsigned suite, for tests that encrypt many messages. */
  public static Envelope fastEnvelope(Keyring keyring) {
    return Envelope.builder().keyring(keyring).algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
  }
}
