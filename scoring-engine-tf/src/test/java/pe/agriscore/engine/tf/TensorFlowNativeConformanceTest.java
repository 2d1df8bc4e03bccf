package pe.agriscore.engine.tf;

/** The conformance kit with the fast path off: TensorFlow scores every call. */
class TensorFlowNativeConformanceTest extends TensorFlowConformanceTest {

  @Override
  String fastPath() {
    return "off";
  }
}
