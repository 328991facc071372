package dev.envelope.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.testkit.internal.SoftHsmInstallation;
import org.junit.jupiter.api.Test;

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
}
