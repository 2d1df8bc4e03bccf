package pe.agriscore.service;

import java.util.List;

/** The service's roles, as tokens and API keys grant them. */
public final class Roles {

  /** May score. */
  public static final String SCORING = "scoring";

  /** May see (and, later, reload) models. */
  public static final String MODEL_ADMIN = "model-admin";

  /** May read decision records (the governance issue adds them). */
  public static final String AUDITOR = "auditor";

  /** Every role. */
  public static final List<String> ALL = List.of(SCORING, MODEL_ADMIN, AUDITOR);

  private Roles() {}

  static String require(String role) {
    if (!ALL.contains(role)) {
      throw new IllegalArgumentException("unknown role '" + role + "': roles are " + ALL);
    }
    return role;
  }
}
