package dev.envelope.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class with a SoftHSM2 token holding an AES key and an RSA key pair ({@link
 * SoftHsmExtension}), the keys made per class or per test as {@link #lifecycle} says. The class is
 * skipped when SoftHSM2 is unavailable, unless the build requires it (see {@link SoftHsmFixture}).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(SoftHsmExtension.class)
public @interface WithSoftHsm {
  /** Whether the keys are shared by the class's tests or fresh for each test. */
  Lifecycle lifecycle() default Lifecycle.PER_CLASS;
}
