package dev.envelope.testkit.junit;

import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11Token;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives tests a SoftHSM2 token with a fresh AES key and RSA key pair
 * ({@link SoftHsmFixture}) per test class or per test, destroys the keys afterwards, and injects:
 *
 * <ul>
 *   <li>{@link SoftHsmFixture}: the key labels, ready keyrings, PIN, library, configuration file;
 *   <li>{@link Pkcs11Token}: the open token, for {@code Pkcs11Keyring.builder().token(...)};
 *   <li>{@link Pkcs11Config}: a configuration that opens the token, for code that opens its own.
 * </ul>
 *
 * <p>When SoftHSM2 is not installed, or the build did not set {@code SOFTHSM2_CONF}, the tests are
 * skipped with the reason; when the build requires them (system property {@value
 * SoftHsmFixture#REQUIRED_PROPERTY}{@code =true}, or environment variable {@code CI} set) they fail
 * with it instead. See {@link SoftHsmFixture} for how the token is set up.
 *
 * <pre>{@code
 * @WithSoftHsm
 * class SigningTest {
 *   @Test void wraps(SoftHsmFixture hsm) {
 *     Envelope envelope = Envelope.builder().keyring(hsm.aesKeyring()).build();
 *   }
 * }
 * }</pre>
 */
public final class SoftHsmExtension extends FixtureExtension<SoftHsmFixture> implements ExecutionCondition {
  private static final List<Injectable<SoftHsmFixture>> INJECTABLES = List.of(
      Injectable.of(SoftHsmFixture.class, f -> f),
      Injectable.of(Pkcs11Token.class, SoftHsmFixture::token),
      Injectable.of(Pkcs11Config.class, SoftHsmFixture::config));

  /** For {@code @ExtendWith} and {@link WithSoftHsm}: lifecycle from the annotation. */
  public SoftHsmExtension() {
    this(null);
  }

  private SoftHsmExtension(Lifecycle lifecycle) {
    super(WithSoftHsm.class, lifecycle);
  }

  /** A builder for {@code @RegisterExtension}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Skips, with the reason, when SoftHSM2 is unavailable and not required. */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return condition(SoftHsmFixture.unavailableReason(), SoftHsmFixture.isRequired());
  }

  /** Disabled with the reason when SoftHSM2 is unavailable and not required; else enabled (and fails later if missing). */
  static ConditionEvaluationResult condition(Optional<String> unavailable, boolean required) {
    if (unavailable.isPresent() && !required) {
      return ConditionEvaluationResult.disabled(unavailable.get());
    }
    return ConditionEvaluationResult.enabled(
        unavailable.isPresent() ? "SoftHSM2 is required by the build" : "SoftHSM2 is available");
  }

  @Override
  SoftHsmFixture start(ExtensionContext context) {
    return SoftHsmFixture.start();
  }

  @Override
  Lifecycle lifecycleOf(Annotation annotation) {
    return ((WithSoftHsm) annotation).lifecycle();
  }

  @Override
  List<Injectable<SoftHsmFixture>> injectables() {
    return INJECTABLES;
  }

  @Override
  String name() {
    return "SoftHSM2 token";
  }

  /** Configures a {@link SoftHsmExtension}. */
  public static final class Builder {
    private Lifecycle lifecycle;

    private Builder() {}

    /** Per class (the default) or per test: whether each test gets its own keys. */
    public Builder lifecycle(Lifecycle lifecycle) {
      Objects.requireNonNull(lifecycle, "lifecycle");
      if (this.lifecycle != null) {
        throw new IllegalStateException("lifecycle was already set");
      }
      this.lifecycle = lifecycle;
      return this;
    }

    public SoftHsmExtension build() {
      return new SoftHsmExtension(lifecycle == null ? Lifecycle.PER_CLASS : lifecycle);
    }
  }
}
