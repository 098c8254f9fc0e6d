// lookup-server: the watcher answer is exactly the seed's workflow, and nothing else.
#include "lookup-server/answer_template.hpp"

#include <catch2/catch.hpp>

using namespace mmids::lookup;

TEST_CASE("lookup: the default answer is the seed workflow text", "[lookup]") {
  AnswerTemplate answer;
  CHECK(answer.render({"cam1", "10.0.0.7"}) ==
        "workflow ingest_cam1 {\n"
        "    ffmpeg_pull location=rtmp://10.0.0.7/pull_source/cam1 stream_name=cam1\n"
        "}\n");
}

TEST_CASE("lookup: answers bracket IPv6 and add non-default RTMP ports", "[lookup]") {
  AnswerTemplate answer;
  CHECK(answer.render({"s", "2001:db8::5"}) ==
        "workflow ingest_s {\n    ffmpeg_pull location=rtmp://[2001:db8::5]/pull_source/s stream_name=s\n}\n");
  CHECK(answer.render({"s", "10.0.0.7", "edge_app", 1936}) ==
        "workflow ingest_s {\n    ffmpeg_pull location=rtmp://10.0.0.7:1936/edge_app/s stream_name=s\n}\n");
  CHECK(answer.render({"s", "::1", "pull_source", 19350}).find("rtmp://[::1]:19350/pull_source/s") != std::string::npos);
}

TEST_CASE("lookup: custom templates know five placeholders and keep single braces", "[lookup]") {
  AnswerTemplate answer("workflow w_{{stream_name}} { x ip={{ip}} port={{rtmp_port}} app={{pull_app}} at={{address}} }");
  CHECK(answer.render({"a.b", "::1", "p", 1935}) == "workflow w_a.b { x ip=::1 port=1935 app=p at=[::1] }");
  CHECK_THROWS_WITH(AnswerTemplate("{{stream}}"), Catch::Contains("unknown placeholder {{stream}}"));
  CHECK_THROWS_WITH(AnswerTemplate("x {{stream_name"), Catch::Contains("not closed"));
  CHECK(AnswerTemplate("").render({"a", "1.2.3.4"}).empty());
}

TEST_CASE("lookup: rendering refuses unchecked values", "[lookup]") {
  AnswerTemplate answer;
  for (const char* name : {"a}", "a\nb", "a b", "../x", "", "x\"y"}) {
    INFO(name);
    CHECK_THROWS_AS(answer.render({name, "10.0.0.1"}), std::invalid_argument);
  }
  CHECK_THROWS_AS(answer.render({std::string(129, 'a'), "10.0.0.1"}), std::invalid_argument);
  CHECK_THROWS_AS(answer.render({"ok", "10.0.0.1/x"}), std::invalid_argument);
  CHECK_THROWS_AS(answer.render({"ok", "fe80::1%eth0"}), std::invalid_argument);
  CHECK_THROWS_AS(answer.render({"ok", "10.0.0.1", "bad app"}), std::invalid_argument);
}
