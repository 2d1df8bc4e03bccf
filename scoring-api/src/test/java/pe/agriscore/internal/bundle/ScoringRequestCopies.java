package pe.agriscore.internal.bundle;

import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;

/** A request as it arrives at scoring time: written to the wire format and read back. */
final class ScoringRequestCopies {
  private ScoringRequestCopies() {}

  static ScoringRequest viaJson(ScoringRequest r) {
    return ScoringJson.readRequest(ScoringJson.writeRequest(r));
  }
}
