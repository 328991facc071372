package dev.envelope.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.testkit.internal.SoftHsmInstallation;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.opentest4j.TestAbortedException;

/** When a missing SoftHSM2 skips the tests and when it fails them. */
class SoftHsmRequirementTest {
  @Test
  void required_nothingSet_allowsSkipping() {
    assertFalse(SoftHsmInstallation.required(null, null));
    assertFalse(SoftHsmInstallation.required("", " "));
  }

  @Test
  void required_ciSet_requiresSoftHsm() {
    assertTrue(SoftHsmInstallation.required(null, "true"));
    assertTrue(SoftHsmInstallation.required(null, "1"));
    assertFalse(SoftHsmInstallation.required(null, "false"));
  }

  @Test
  void required_propertySet_overridesCi() {
    assertTrue(SoftHsmInstallation.required("true", null));
    assertFalse(SoftHsmInstallation.required("false", "true"));
  }

  @Test
  void condition_unavailableAndNotRequired_skipsWithTheReason() {
    ConditionEvaluationResult result = SoftHsmExtension.condition(Optional.of("SoftHSM2 is not installed: x"), false);
    assertTrue(result.isDisabled());
    assertEquals("SoftHSM2 is not installed: x", result.getReason().orElseThrow());
  }

  @Test
  void condition_unavailableButRequired_runsSoTheFixtureCanFail() {
    assertFalse(SoftHsmExtension.condition(Optional.of("SoftHSM2 is not installed: x"), true).isDisabled());
    assertFalse(SoftHsmExtension.condition(Optional.empty(), false).isDisabled());
  }

  @Test
  void requireAvailable_unavailableAndNotRequired_abortsTheTestWithTheReason() {
    TestAbortedException e = assertThrows(TestAbortedException.class,
        () -> SoftHsmFixture.requireAvailable(Optional.of("SOFTHSM2_CONF is not set"), false, "CI is set"));
    assertEquals("SOFTHSM2_CONF is not set", e.getMessage());
  }

  @Test
  void requireAvailable_unavailableAndRequired_failsSayingWhyItMustRun() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SoftHsmFixture.requireAvailable(Optional.of("SoftHSM2 is not installed: x"), true, "CI is set"));
    assertEquals("SoftHSM2 tests must run here (CI is set), but SoftHSM2 is not installed: x", e.getMessage());
    SoftHsmFixture.requireAvailable(Optional.empty(), true, "CI is set");
  }
}
