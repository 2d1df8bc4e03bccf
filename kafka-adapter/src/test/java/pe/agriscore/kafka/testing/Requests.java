package pe.agriscore.kafka.testing;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation.Rule;
import pe.agriscore.testing.TestBundles;

/**
 * Request payloads for the tests' input topics. A valid request is keyed {@code PE-<n>}; a bad
 * one {@code BAD-<kind>-<n>}, so any reader can tell from the key alone which reason its dead
 * letter must carry, independently of the code under test.
 */
public final class Requests {

  /** The kinds of bad input, with the field and rule their dead letter must name. */
  public enum Bad {
    BAD_JSON("$", Rule.MALFORMED),
    NOT_AN_OBJECT("$", Rule.MALFORMED),
    NULL_VALUE("$", Rule.MALFORMED),
    HUGE("$", Rule.MALFORMED),
    WRONG_TYPE("farm_size_ha", Rule.WRONG_TYPE),
    OUT_OF_RANGE("farm_size_ha", Rule.OUT_OF_RANGE),
    UNKNOWN_CATEGORY("main_crop", Rule.UNKNOWN_CATEGORY),
    MISSING_DATE("asOfDate", Rule.MISSING);

    public final String field;
    public final Rule rule;

    Bad(String field, Rule rule) {
      this.field = field;
      this.rule = rule;
    }
  }

  private Requests() {}

  /** Record {@code i} of a stream where every {@code badEvery}-th record is bad. */
  public static String key(int i, int badEvery) {
    if (badEvery > 0 && i % badEvery == badEvery - 1) {
      Bad kind = Bad.values()[(i / badEvery) % Bad.values().length];
      return "BAD-" + kind + "-" + i;
    }
    return "PE-" + i;
  }

  /** The value for {@code key}; deterministic. */
  public static byte[] value(String key) {
    Bad bad = badKind(key);
    if (bad == null) {
      return ScoringJson.writeRequest(validRequest(key));
    }
    String features = "\"farm_size_ha\":2.5,\"yield_ratio\":1.0,\"drought_index\":0.1,"
        + "\"main_crop\":\"potato\",\"irrigated\":true,\"prior_loans_repaid_share\":0.5";
    String json = switch (bad) {
      case BAD_JSON -> "{\"applicantId\":\"" + key + "\",\"asOfDate\":\"2026-11-01\","
          + "\"features\":{\"farm_size_ha\":";
      case NOT_AN_OBJECT -> "[\"" + key + "\", 2.5]";
      case NULL_VALUE -> null;
      case HUGE -> "{\"applicantId\":\"" + key + "\",\"asOfDate\":\"2026-11-01\",\"features\":{"
          + features + ",\"note\":\"" + "x".repeat(70_000) + "\"}}";
      case WRONG_TYPE -> request(key, features.replace("\"farm_size_ha\":2.5",
          "\"farm_size_ha\":\"2.5\""));
      case OUT_OF_RANGE -> request(key, features.replace("\"farm_size_ha\":2.5",
          "\"farm_size_ha\":-3.0"));
      case UNKNOWN_CATEGORY -> request(key, features.replace("potato", "banana"));
      case MISSING_DATE -> "{\"applicantId\":\"" + key + "\",\"features\":{" + features + "}}";
    };
    return json == null ? null : json.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A random request within the schema's ranges. {@link TestBundles#randomRequest} draws the
   * drought index from a Gaussian, which leaves [-4, 4] about once in 16,000 draws.
   */
  public static ScoringRequest validRequest(String key) {
    Random rnd = new Random(key.hashCode());
    while (true) {
      ScoringRequest r = TestBundles.randomRequest(rnd, key);
      if (Math.abs((Double) r.get("drought_index")) <= 4) {
        return r;
      }
    }
  }

  private static String request(String key, String features) {
    return "{\"applicantId\":\"" + key + "\",\"asOfDate\":\"2026-11-01\",\"features\":{"
        + features + "}}";
  }

  /** The kind of bad input {@code key} names, or null for a valid request. */
  public static Bad badKind(String key) {
    if (!key.startsWith("BAD-")) {
      return null;
    }
    String rest = key.substring(4);
    return Bad.valueOf(rest.substring(0, rest.lastIndexOf('-')));
  }
}
