# -*- Python -*-
# lit configuration of the qfhe test suites.

import os

import lit.formats
import lit.Test
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "qfhe"
# An XFAIL test that passes is a failure: its target is met, and the test
# must become a plain one (Debian's lit counts XPASS as a success).
lit.Test.XPASS.isFailure = True
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "models"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qfhe_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%models", os.path.join(config.test_source_root, "models")))
config.substitutions.append(("%examples", os.path.join(config.qfhe_src_root, "examples")))
config.substitutions.append(("%scripts", os.path.join(config.qfhe_src_root, "scripts")))
config.substitutions.append(("%bench", os.path.join(config.qfhe_src_root, "bench")))
config.substitutions.append(("%qfhe_obj_root", config.qfhe_obj_root))
config.substitutions.append(("%cxx_compiler", config.cxx_compiler))
config.substitutions.append(("%cmake_generator", config.cmake_generator))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(("%qfhe_plugin", config.qfhe_plugin))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Project tools first, then LLVM's (FileCheck, not, mlir-opt, mlir-runner...).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.qfhe_tools_dir, append_path=True)

tools = ["quant-opt", "mlir-opt", "mlir-runner"]
for optional in ["quant-run", "quant-translate", "qfhe-range-check"]:
    if os.path.exists(os.path.join(config.qfhe_tools_dir, optional)):
        tools.append(optional)
llvm_config.add_tool_substitutions(
    tools, [config.qfhe_tools_dir, config.llvm_tools_dir])

# A sanitized build's plugin needs the sanitizer runtime loaded first, which
# upstream mlir-opt (not instrumented) does not do: tests that load it into
# mlir-opt are unsupported there (docs/development.md).
if config.qfhe_sanitize:
    config.available_features.add("sanitized")
