package pe.agriscore.engine.pt;

/** The conformance kit with the fast path off: libtorch scores every call. */
class PyTorchNativeConformanceTest extends PyTorchConformanceTest {

  @Override
  String fastPath() {
    return "off";
  }
}
