package dev.envelope.testkit.junit;

import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that makes a throwaway local key store ({@link KeyStoreFixture}: a temporary
 * directory, a random passphrase, one key with an alias) per test class or per test, deletes it
 * afterwards, and injects:
 *
 * <ul>
 *   <li>{@link KeyStoreFixture}: everything below, the passphrase and a KEK to reopen the store;
 *   <li>{@link LocalKeyStore}: the open store;
 *   <li>{@code @}{@link KeyStoreDirectory} {@link Path}: its directory;
 *   <li>{@code @}{@link KeyAlias} {@link String}: the alias of the ready key;
 *   <li>{@link LocalKeyring}: a keyring over that key.
 * </ul>
 *
 * <pre>{@code
 * @WithTempKeyStore
 * class InvoicesTest {
 *   @Test void seals(LocalKeyStore store, @KeyAlias String alias, @KeyStoreDirectory Path dir) { ... }
 * }
 * }</pre>
 */
public final class KeyStoreExtension extends FixtureExtension<KeyStoreFixture> {
  private static final List<Injectable<KeyStoreFixture>> INJECTABLES = List.of(
      Injectable.of(KeyStoreFixture.class, f -> f),
      Injectable.of(LocalKeyStore.class, KeyStoreFixture::store),
      Injectable.of(LocalKeyring.class, KeyStoreFixture::keyring),
      Injectable.qualified(Path.class, KeyStoreDirectory.class, KeyStoreFixture::directory),
      Injectable.qualified(String.class, KeyAlias.class, KeyStoreFixture::keyAlias));

  private final String keyAlias;
  private final String passphrase;
  private final Consumer<LocalKeyStore.Builder> store;

  /** For {@code @ExtendWith} and {@link WithTempKeyStore}: defaults, lifecycle from the annotation. */
  public KeyStoreExtension() {
    this(null, KeyStoreFixture.DEFAULT_KEY_ALIAS, null, b -> {});
  }

  private KeyStoreExtension(
      Lifecycle lifecycle, String keyAlias, String passphrase, Consumer<LocalKeyStore.Builder> store) {
    super(WithTempKeyStore.class, lifecycle);
    this.keyAlias = keyAlias;
    this.passphrase = passphrase;
    this.store = store;
  }

  /** A builder for {@code @RegisterExtension}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  KeyStoreFixture start(ExtensionContext context) {
    return passphrase == null
        ? KeyStoreFixture.start(keyAlias, store)
        : KeyStoreFixture.start(keyAlias, passphrase, store);
  }

  @Override
  Lifecycle lifecycleOf(Annotation annotation) {
    return ((WithTempKeyStore) annotation).lifecycle();
  }

  @Override
  List<Injectable<KeyStoreFixture>> injectables() {
    return INJECTABLES;
  }

  @Override
  String name() {
    return "temporary key store";
  }

  /** Configures a {@link KeyStoreExtension}. Each option may be set once. */
  public static final class Builder {
    private Lifecycle lifecycle;
    private String keyAlias;
    private String passphrase;
    private Consumer<LocalKeyStore.Builder> store;

    private Builder() {}

    /** Per class (the default) or per test. */
    public Builder lifecycle(Lifecycle lifecycle) {
      Objects.requireNonNull(lifecycle, "lifecycle");
      if (this.lifecycle != null) {
        throw new IllegalStateException("lifecycle was already set");
      }
      this.lifecycle = lifecycle;
      return this;
    }

    /** The alias of the ready key; default {@value KeyStoreFixture#DEFAULT_KEY_ALIAS}. */
    public Builder keyAlias(String keyAlias) {
      Objects.requireNonNull(keyAlias, "keyAlias");
      if (this.keyAlias != null) {
        throw new IllegalStateException("keyAlias was already set");
      }
      this.keyAlias = keyAlias;
      return this;
    }

    /**
     * A fixed passphrase for every store instead of a random one, for tests of code that reads a
     * passphrase the test chose from an environment variable or a file (see {@link
     * KeyStoreFixture#start(String, String, Consumer)}). TEST ONLY.
     *
     * @throws IllegalArgumentException if {@code passphrase} is empty
     */
    public Builder passphrase(String passphrase) {
      Objects.requireNonNull(passphrase, "passphrase");
      if (passphrase.isEmpty()) {
        throw new IllegalArgumentException("the key store passphrase is empty; give at least one character");
      }
      if (this.passphrase != null) {
        throw new IllegalStateException("passphrase was already set");
      }
      this.passphrase = passphrase;
      return this;
    }

    /**
     * Configures each store's builder (clock, caller label, listeners, key namespace) before the
     * store is created; the kit sets the KEK, so do not.
     */
    public Builder store(Consumer<LocalKeyStore.Builder> store) {
      Objects.requireNonNull(store, "store");
      if (this.store != null) {
        throw new IllegalStateException("store was already set");
      }
      this.store = store;
      return this;
    }

    public KeyStoreExtension build() {
      return new KeyStoreExtension(
          lifecycle == null ? Lifecycle.PER_CLASS : lifecycle,
          keyAlias == null ? KeyStoreFixture.DEFAULT_KEY_ALIAS : keyAlias,
          passphrase,
          store == null ? b -> {} : store);
    }
  }
}
