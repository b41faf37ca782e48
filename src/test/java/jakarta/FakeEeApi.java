package jakarta;

/** Stands in for an EE API class so that ArchitectureTest can prove its rule is not vacuous. */
public class FakeEeApi {
}
