// The store URL (`store.url`): the forms each backend is written in, the errors that say how to write it, and the
// factory that opens what it names.
#include "recon/store/store_url.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "recon/core/error.hpp"
#include "recon/store/store.hpp"
#include "support/temp_dir.hpp"

namespace recon::store {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseStoreUrl(text);
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kInvalidInput);
    return error.what();
  }
  return "";
}

TEST(StoreUrlTest, SqliteUrlsNameAFileRelativeOrAbsolute) {
  EXPECT_EQ(ParseStoreUrl("sqlite:var/recon.db").location, "var/recon.db");
  EXPECT_EQ(ParseStoreUrl("sqlite:/srv/recon/recon.db").location, "/srv/recon/recon.db");
  EXPECT_EQ(ParseStoreUrl("sqlite:///srv/recon/recon.db").location, "/srv/recon/recon.db") << "as file:///";
  EXPECT_EQ(ParseStoreUrl("sqlite://var/recon.db").location, "var/recon.db");
  const StoreUrl url = ParseStoreUrl("sqlite:var/recon.db");
  EXPECT_EQ(url.backend, StoreBackend::kSqlite);
  EXPECT_EQ(url.text, "sqlite:var/recon.db");
  EXPECT_EQ(url.Where(), "var/recon.db");
  EXPECT_TRUE(BackendBuilt(StoreBackend::kSqlite));
}

TEST(StoreUrlTest, WhatIsNotAStoreUrlIsRefusedWithTheFormsThatWork) {
  EXPECT_NE(ErrorOf("var/recon.db").find("names no backend; write sqlite:PATH"), std::string::npos)
      << ErrorOf("var/recon.db");
  EXPECT_NE(ErrorOf("").find("store.url"), std::string::npos);
  EXPECT_NE(ErrorOf("sqlite:").find("names no file"), std::string::npos);
  EXPECT_NE(ErrorOf("sqlite://").find("names no file"), std::string::npos);
  EXPECT_NE(ErrorOf("sqlite::memory:").find("names no file"), std::string::npos) << "a store must outlive a run";
  const std::string mysql = ErrorOf("mysql://u:hunter2@db/recon");
  EXPECT_NE(mysql.find("unknown backend 'mysql'"), std::string::npos) << mysql;
  EXPECT_EQ(mysql.find("hunter2"), std::string::npos) << "a password never reaches a message: " << mysql;
  try {
    ParseStoreUrl("ftp://x", "paths.other");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).rfind("paths.other ", 0), 0u) << "names the key it came from";
  }
}

TEST(StoreUrlTest, PostgresqlIsRecognisedButNotBuiltYet) {
  const StoreUrl url = ParseStoreUrl("postgresql://recon:s3cret@db.internal:5432/recon?sslmode=require");
  EXPECT_EQ(url.backend, StoreBackend::kPostgres);
  EXPECT_EQ(url.Redacted(), "postgresql://recon:***@db.internal:5432/recon?sslmode=require");
  EXPECT_EQ(url.Where(), url.Redacted());
  EXPECT_EQ(ParseStoreUrl("postgres://db/recon?password=s3cret&x=1").Redacted(), "postgres://db/recon?password=***&x=1");
  EXPECT_EQ(ParseStoreUrl("postgresql://db/recon").Redacted(), "postgresql://db/recon");
  EXPECT_FALSE(BackendBuilt(StoreBackend::kPostgres));

  StoreParams params;
  params.url = url.text;
  try {
    params.Validate();
    FAIL();
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.Kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(message.find("store.url"), std::string::npos) << message;
    EXPECT_NE(message.find("not built into this recon yet"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  }
  EXPECT_THROW(OpenStore(url.text), Error);
  EXPECT_NO_THROW(StoreParams{}.Validate());
}

TEST(StoreUrlTest, TheFactoryOpensTheSqliteFileTheUrlNames) {
  testing::TempDir dir;
  const std::string path = dir.File("nested/folder/recon.db");
  OpenStore("sqlite://" + path)->BeginRun({"f.csv", "fp", "m", "detect"});
  EXPECT_TRUE(std::filesystem::exists(path)) << "created with its folder";
  EXPECT_EQ(OpenStore(ParseStoreUrl("sqlite:" + path))->CountRuns(), 1u) << "either form, the same file";
  EXPECT_THROW(OpenStore("nonsense"), Error);
}

}  // namespace
}  // namespace recon::store
