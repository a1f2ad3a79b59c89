import Foundation

/// `--emit-pkgconfig` and `--emit-cmake`: files next to the library that let build systems find it.
///
///     PKG_CONFIG_PATH=out pkg-config --cflags --libs mlp      # out/mlp.pc
///     find_package(mlp CONFIG REQUIRED)                        # out/mlp-config.cmake, with -Dmlp_DIR=out
///     target_link_libraries(app PRIVATE mlp::mlp)
///
/// Both give the include directories of `mcc.h` (C) and `mcc/mcc.hpp` (C++), the library's own
/// directory (where `--emit-bindings cpp` puts `<package>.hpp`), and link flags that record an
/// rpath, so programs run without LD_LIBRARY_PATH.
public enum PackageConfig {
    /// Where the headers a consumer needs live (absolute paths).
    public struct Headers: Sendable {
        /// Holds `mcc.h`.
        public var cInclude: String
        /// Holds `mcc/mcc.hpp`; nil when the C++ header cannot be found (C-only use).
        public var cppInclude: String?
        public init(cInclude: String, cppInclude: String?) { self.cInclude = cInclude; self.cppInclude = cppInclude }

        var all: [String] { [cInclude] + (cppInclude.map { [$0] } ?? []) }
    }

    /// `<package>.pc`.
    public static func pkgConfig(_ spec: BindingSpec, headers: Headers) -> GeneratedFile {
        let pkg = spec.packageName
        var lines = [
            "# \(pkg).pc: pkg-config metadata for \(spec.libraryFileName), written by mcc \(spec.compilerVersion).",
            "#   PKG_CONFIG_PATH=\(spec.directory) pkg-config --cflags --libs \(pkg)",
            "libdir=\(escape(spec.directory))",
            "includedir=\(escape(headers.cInclude))",
        ]
        var cflags = ["-I${includedir}"]
        if let cpp = headers.cppInclude, cpp != headers.cInclude {
            lines.append("cppincludedir=\(escape(cpp))")
            cflags.append("-I${cppincludedir}")
        }
        cflags.append("-I${libdir}")
        let link = spec.linkName.map { "-L${libdir} -l\($0)" } ?? "${libdir}/\(escape(spec.libraryFileName))"
        lines += [
            "",
            "Name: \(pkg)",
            "Description: \(spec.libraryFileName), models \(spec.models.map(\.name).joined(separator: ", ")), compiled by mcc from \(spec.sourceFileName)",
            "Version: \(spec.compilerVersion)",
            "Libs: \(link) -Wl,-rpath,${libdir}",
            "Cflags: \(cflags.joined(separator: " "))",
        ]
        return GeneratedFile(path: pkg + ".pc", contents: lines.joined(separator: "\n") + "\n")
    }

    /// `<package>-config.cmake` and `<package>-config-version.cmake`, defining `<package>::<package>`.
    public static func cmake(_ spec: BindingSpec, headers: Headers) -> [GeneratedFile] {
        let pkg = spec.packageName
        let target = "\(pkg)::\(pkg)"
        let includes = (headers.all.map(cmakeQuoted) + ["\"${CMAKE_CURRENT_LIST_DIR}\""]).joined(separator: " ")
        let config = """
        # \(pkg)-config.cmake: CMake package for \(spec.libraryFileName), written by mcc \(spec.compilerVersion) from \(spec.sourceFileName).
        #
        #   find_package(\(pkg) CONFIG REQUIRED)         # -D\(pkg)_DIR=<this directory> or CMAKE_PREFIX_PATH
        #   target_link_libraries(app PRIVATE \(target))
        #
        # \(target) is the library (found next to this file) with the include directories of mcc.h,
        # mcc/mcc.hpp and this directory (for the generated \(pkg).hpp). Also sets \(pkg)_MODELS and \(pkg)_LIBRARY.
        if(NOT TARGET \(target))
          add_library(\(target) SHARED IMPORTED)
          set(_\(pkg)_includes \(includes))
          set_target_properties(\(target) PROPERTIES
            IMPORTED_LOCATION "${CMAKE_CURRENT_LIST_DIR}/\(spec.libraryFileName)"
            IMPORTED_SONAME "\(spec.libraryFileName)"
            INTERFACE_INCLUDE_DIRECTORIES "${_\(pkg)_includes}"
            INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
          unset(_\(pkg)_includes)
        endif()
        set(\(pkg)_LIBRARY "${CMAKE_CURRENT_LIST_DIR}/\(spec.libraryFileName)")
        set(\(pkg)_MODELS \(spec.models.map { cmakeQuoted($0.name) }.joined(separator: " ")))
        set(\(pkg)_DEFAULT_MODEL \(cmakeQuoted(spec.defaultModel)))

        """
        let version = """
        # \(pkg)-config-version.cmake: the mcc version that built \(spec.libraryFileName); any request up to it matches.
        set(PACKAGE_VERSION "\(spec.compilerVersion)")
        if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
          set(PACKAGE_VERSION_COMPATIBLE FALSE)
        else()
          set(PACKAGE_VERSION_COMPATIBLE TRUE)
          if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
            set(PACKAGE_VERSION_EXACT TRUE)
          endif()
        endif()

        """
        return [GeneratedFile(path: "\(pkg)-config.cmake", contents: config),
                GeneratedFile(path: "\(pkg)-config-version.cmake", contents: version)]
    }

    /// pkg-config splits on spaces: escape them (and backslashes).
    static func escape(_ path: String) -> String {
        path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: " ", with: "\\ ")
    }

    static func cmakeQuoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$") + "\""
    }
}
