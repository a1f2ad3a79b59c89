import Testing
@testable import MInterop
import MIR

/// The generators behind `--emit-bindings`, `--emit-pkgconfig` and `--emit-cmake`. The
/// generated code itself is compiled and run by Tests/python/test_bindings_generated.py.
@Suite struct BindingsGeneratorTests {
    static func f32(_ dims: Dim...) -> TensorType { TensorType(.f32, dims) }

    /// MLP (x: f32[batch, 784] -> probs: f32[batch, 10]) and a model whose names are keywords.
    static func module() -> Module {
        let module = Module(name: "m")
        let mlp = Function(name: "MLP", arguments: [FunctionInput(name: "x", type: f32(.symbol("batch"), .constant(784)))])
        let probs = mlp.appendUnchecked(.relu, [mlp.argument(0)], type: f32(.symbol("batch"), .constant(10)))
        mlp.results = [FunctionOutput(name: "probs", value: probs)]
        let odd = Function(name: "Odd", arguments: [FunctionInput(name: "lambda", type: f32(.symbol("n"))),
                                                    FunctionInput(name: "new", type: TensorType(.i64, [.symbol("n")]))])
        odd.results = [FunctionOutput(name: "predict", value: odd.argument(0)),
                       FunctionOutput(name: "class", value: odd.argument(1))]
        module.functions = [mlp, odd]
        return module
    }

    static func spec(library: String = "libmlp.so", defaultModel: String? = "MLP") -> BindingSpec {
        BindingSpec(module: module(), libraryFileName: library, directory: "/opt/models", sourceFileName: "mlp.m",
                    compilerVersion: "0.1.0", defaultModel: defaultModel)
    }

    @Test func specComesFromTheModule() {
        let s = Self.spec(defaultModel: nil)
        #expect(s.models.map(\.name) == ["MLP", "Odd"])
        #expect(s.models[0].inputs.map(\.signature) == ["x: f32[batch, 784]"])
        #expect(s.models[0].outputs.map(\.signature) == ["probs: f32[batch, 10]"])
        #expect(s.models[1].outputs.map(\.signature) == ["predict: f32[n]", "class: i64[n]"])
        #expect(s.defaultModel == "Odd", "the last declared model, as the runtime picks")
        #expect(s.packageName == "mlp" && s.linkName == "mlp" && s.libraryPath == "/opt/models/libmlp.so")
        let odd = Self.spec(library: "My-Model.so")
        #expect(odd.packageName == "my_model" && odd.linkName == nil)
        #expect(Self.spec(library: "lib3d.so").packageName == "_3d")
    }

    @Test func languageLists() throws {
        #expect(try BindingLanguage.parseList("python,cpp,java") == [.python, .cpp, .java])
        #expect(try BindingLanguage.parseList(" c++ , python,python") == [.cpp, .python])
        #expect(throws: BindingsError.unknownLanguage("rust")) { try BindingLanguage.parseList("python,rust") }
        #expect(throws: BindingsError.unknownLanguage("")) { try BindingLanguage.parseList("") }
    }

    @Test func pythonWrapper() throws {
        let files = BindingLanguage.python.generate(Self.spec())
        #expect(files.map(\.path) == ["mlp.py"])
        let py = try #require(files.first).contents
        for expected in [
            "LIBRARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), \"libmlp.so\")",
            "class MLPOutputs(NamedTuple):", "    probs: np.ndarray\n    \"\"\"f32[batch, 10]\"\"\"",
            "class MLP:", "    def predict(self, x: Any) -> MLPOutputs:", "            x: f32[batch, 784]",
            "    INPUTS = (\"x: f32[batch, 784]\",)", "    def probs(self, x: Any) -> np.ndarray:",
            // keywords and member names get a trailing underscore; the library still sees the real names
            "    def predict(self, lambda_: Any, new: Any) -> OddOutputs:",
            "out = self.model.run(**{\"lambda\": lambda_, \"new\": new})", "    def predict_(self, lambda_: Any, new: Any)",
            "    class_: np.ndarray", "def load(path: PathLike = LIBRARY) -> MLP:",
        ] {
            #expect(py.contains(expected), "missing: \(expected)")
        }
    }

    @Test func cppWrapper() throws {
        let hpp = try #require(BindingLanguage.cpp.generate(Self.spec()).first)
        #expect(hpp.path == "mlp.hpp")
        for expected in [
            "namespace mlp {", "#include <mcc/mcc.hpp>", "struct MLPOutputs {\n  mcc::Tensor<float> probs;  ///< f32[batch, 10]",
            "  /// @param x f32[batch, 784]", "  MLPOutputs predict(mcc::TensorView<const float> x) {",
            "mcc::TensorView<const float> probs(mcc::TensorView<const float> x)", "  MLP() : MLP(mcc::Library::linked()) {}",
            "OddOutputs predict(mcc::TensorView<const float> lambda, mcc::TensorView<const int64_t> new_)",
            "mcc::Tensor<int64_t> class_;", "predict_(",
        ] {
            #expect(hpp.contents.contains(expected), "missing: \(expected)")
        }
    }

    @Test func javaWrapper() throws {
        let files = BindingLanguage.java.generate(Self.spec())
        #expect(files.map(\.path) == ["java/mlp/MLP.java", "java/mlp/Odd.java"])
        let java = files[0].contents
        for expected in [
            "package mlp;", "public final class MLP implements AutoCloseable {",
            "System.getProperty(\"mcc.library.mlp\", \"/opt/models/libmlp.so\")", "     * @param x f32[batch, 784]",
            "    public Result predict(Tensor x) {", "        /** f32[batch, 10] */\n        public final Tensor probs;",
            "    public Tensor probs(Tensor x) {",
        ] {
            #expect(java.contains(expected), "missing: \(expected)")
        }
        #expect(files[1].contents.contains("public Result predict(Tensor lambda, Tensor new_)"))
        #expect(files[1].contents.contains("public final Tensor class_;"))
    }

    @Test func pkgConfig() {
        let headers = PackageConfig.Headers(cInclude: "/src/mcc/include", cppInclude: "/src/mcc/bindings/cpp/include")
        let pc = PackageConfig.pkgConfig(Self.spec(), headers: headers)
        #expect(pc.path == "mlp.pc")
        for expected in ["libdir=/opt/models\n", "includedir=/src/mcc/include\n", "cppincludedir=/src/mcc/bindings/cpp/include\n",
                         "Name: mlp\n", "Libs: -L${libdir} -lmlp -Wl,-rpath,${libdir}\n",
                         "Cflags: -I${includedir} -I${cppincludedir} -I${libdir}\n"] {
            #expect(pc.contents.contains(expected), "missing: \(expected)")
        }
        // A file not named lib<name>.so is linked by path; spaces are escaped for pkg-config.
        var spec = Self.spec(library: "model.so")
        spec.directory = "/opt/my models"
        let other = PackageConfig.pkgConfig(spec, headers: PackageConfig.Headers(cInclude: "/inc", cppInclude: nil))
        #expect(other.contents.contains("libdir=/opt/my\\ models\n"))
        #expect(other.contents.contains("Libs: ${libdir}/model.so -Wl,-rpath,${libdir}\n"))
        #expect(other.contents.contains("Cflags: -I${includedir} -I${libdir}\n"))
    }

    @Test func cmakeConfig() {
        let files = PackageConfig.cmake(Self.spec(), headers: PackageConfig.Headers(cInclude: "/inc", cppInclude: "/cpp"))
        #expect(files.map(\.path) == ["mlp-config.cmake", "mlp-config-version.cmake"])
        let config = files[0].contents
        for expected in ["add_library(mlp::mlp SHARED IMPORTED)", "IMPORTED_LOCATION \"${CMAKE_CURRENT_LIST_DIR}/libmlp.so\"",
                         "set(_mlp_includes \"/inc\" \"/cpp\" \"${CMAKE_CURRENT_LIST_DIR}\")",
                         "set(mlp_MODELS \"MLP\" \"Odd\")", "set(mlp_DEFAULT_MODEL \"MLP\")"] {
            #expect(config.contains(expected), "missing: \(expected)")
        }
        #expect(files[1].contents.contains("set(PACKAGE_VERSION \"0.1.0\")"))
    }
}
