//===- OutputFileTest.cpp - tests of writeOutputFile ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace mlir::qfhe;

namespace {

class OutputFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("qfhe-output", directory));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(directory); }

  std::string path(llvm::StringRef name) {
    llvm::SmallString<128> result(directory);
    llvm::sys::path::append(result, name);
    return result.str().str();
  }
  static std::string read(llvm::StringRef path) {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    return buffer ? (*buffer)->getBuffer().str() : "<missing>";
  }
  /// The names in the directory (no temporary file may be left).
  std::vector<std::string> listDirectory() {
    std::vector<std::string> names;
    std::error_code error;
    for (llvm::sys::fs::directory_iterator it(directory, error), end;
         it != end && !error; it.increment(error))
      names.push_back(llvm::sys::path::filename(it->path()).str());
    std::sort(names.begin(), names.end());
    return names;
  }

  llvm::SmallString<128> directory;
};

TEST_F(OutputFileTest, WritesANewFile) {
  llvm::Error error =
      writeOutputFile(path("out.txt"), [](llvm::raw_ostream &os) {
        os << "hello\n";
        return llvm::Error::success();
      });
  ASSERT_FALSE(error) << llvm::toString(std::move(error));
  EXPECT_EQ(read(path("out.txt")), "hello\n");
  EXPECT_EQ(listDirectory(), std::vector<std::string>{"out.txt"});
}

TEST_F(OutputFileTest, AFailedWriteLeavesTheOldFileAsItWas) {
  ASSERT_FALSE(writeOutputFile(path("out.txt"), [](llvm::raw_ostream &os) {
    os << "old\n";
    return llvm::Error::success();
  }));
  llvm::Error error =
      writeOutputFile(path("out.txt"), [](llvm::raw_ostream &os) {
        os << "half of the new";
        return llvm::createStringError("the run failed");
      });
  ASSERT_TRUE(!!error);
  EXPECT_EQ(llvm::toString(std::move(error)), "the run failed");
  EXPECT_EQ(read(path("out.txt")), "old\n");
  EXPECT_EQ(listDirectory(), std::vector<std::string>{"out.txt"});
}

TEST_F(OutputFileTest, AMissingDirectoryIsNamed) {
  std::string target = path("none/out.txt");
  llvm::Error error = writeOutputFile(
      target, [](llvm::raw_ostream &) { return llvm::Error::success(); });
  ASSERT_TRUE(!!error);
  EXPECT_EQ(llvm::toString(std::move(error))
                .rfind("cannot write '" + target + "': ", 0),
            0u);
  llvm::Error check = checkOutputPath(target);
  ASSERT_TRUE(!!check);
  EXPECT_EQ(llvm::toString(std::move(check)),
            "cannot write '" + target + "': directory '" + path("none") +
                "' does not exist");
  EXPECT_FALSE(checkOutputPath(path("fine.txt")));
  EXPECT_FALSE(checkOutputPath("-"));
}

TEST_F(OutputFileTest, ADirectoryIsNotAFile) {
  llvm::Error error = writeOutputFile(
      directory, [](llvm::raw_ostream &) { return llvm::Error::success(); });
  ASSERT_TRUE(!!error);
  EXPECT_EQ(llvm::toString(std::move(error)),
            "cannot write '" + directory.str().str() + "': it is a directory");
}

TEST_F(OutputFileTest, AFullDeviceIsAnErrorNotACrash) {
  if (!llvm::sys::fs::exists("/dev/full"))
    GTEST_SKIP() << "no /dev/full";
  llvm::Error error = writeOutputFile("/dev/full", [](llvm::raw_ostream &os) {
    os << std::string(1 << 16, 'x');
    return llvm::Error::success();
  });
  ASSERT_TRUE(!!error);
  EXPECT_EQ(llvm::toString(std::move(error)),
            "cannot write '/dev/full': No space left on device");
  // The device is still a device.
  llvm::sys::fs::file_status status;
  ASSERT_FALSE(llvm::sys::fs::status("/dev/full", status));
  EXPECT_EQ(status.type(), llvm::sys::fs::file_type::character_file);
}

} // namespace
