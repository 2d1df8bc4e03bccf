package pe.agriscore.preprocessing;

import pe.agriscore.json.ScoringJson;
import pe.agriscore.request.ScoringRequest;

/** A request as it arrives at scoring time: written to the wire format and read back. */
final class ScoringRequestCopies {
  private ScoringRequestCopies() {}

  static ScoringRequest viaJson(ScoringRequest r) {
    return ScoringJson.readRequest(ScoringJson.writeRequest(r));
  }
}
