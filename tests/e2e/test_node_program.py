"""The mmids program as an operator uses it: --check, --version, start with the HTTP API,
stop cleanly on SIGINT/SIGTERM."""

import os
import signal
import subprocess

import harness
import media_tools as mt


class NodeProgramTest(harness.E2ETestCase):
    def run_mmids(self, *args):
        return subprocess.run([harness.program("mmids"), *args], capture_output=True, text=True, timeout=20)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_version(self):
        result = self.run_mmids("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^mmids \d+\.\d+\.\d+")

    def test_check_names_line_and_column_of_every_problem(self):
        path = self.write("broken.config", "workflow a {\n  rtmp_receive rtmp_app=\"x\n}\nbogus thing {\n}\n")
        result = self.run_mmids("--check", path)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(f"{path}:2:", result.stdout)
        self.assertIn(f"{path}:4:1:", result.stdout)
        self.assertIn("error(s)", result.stdout)

    def test_check_names_where_a_bad_setting_is_and_guards_an_open_api(self):
        path = self.write("settings.config", "settings {\n  http_api_port 9011\n  http_api_address 0.0.0.0\n"
                                             "  publish_timeout soon\n}\n")
        result = self.run_mmids("--check", path)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(f"{path}:4:3: setting 'publish_timeout' must be a number of seconds", result.stdout)
        self.assertIn(f"{path}:3:3: setting 'http_api_address' 0.0.0.0 is reachable off this host: "
                      "set 'http_api_token'", result.stdout)

    def test_check_accepts_the_seed_configs_with_a_summary(self):
        for role in ("single-node",):
            path = os.path.join(harness.source_dir(), "configs", f"{role}.config")
            result = self.run_mmids("--check", path)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn("OK: 1 workflow, 0 reactors, 2 steps", result.stdout)

    def test_unknown_step_type_is_a_check_error_and_a_workflow_error_at_run_time(self):
        api_port, rtmp_port = harness.free_ports(2)
        path = self.write("typo.config", f"settings {{\n http_api_port {api_port}\n}}\n"
                                         "workflow w {\n rtmp_recieve rtmp_app=a stream_key=*\n}\n")
        result = self.run_mmids("--check", path)
        self.assertEqual(result.returncode, 1)
        self.assertIn("unknown step type 'rtmp_recieve'", result.stdout)
        node = self.start("mmids", [harness.program("mmids"), "--config", path])
        harness.wait_for_http(f"http://127.0.0.1:{api_port}/", process=node)
        status = harness.http_request("GET", f"http://127.0.0.1:{api_port}/workflows/w").json()["status"]
        self.assertIn("rtmp_recieve", status)

    def test_starts_serves_the_api_and_stops_cleanly_on_sigint_and_sigterm(self):
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            api_port, rtmp_port = harness.free_ports(2)
            config = f"""
settings {{
    http_api_port {api_port}
    bind_address 127.0.0.1
}}
workflow quick_start {{
    rtmp_receive rtmp_app=publish stream_key=* port={rtmp_port}
    rtmp_watch rtmp_app=watch stream_key=* port={rtmp_port}
}}
"""
            node = mt.start_node(self, config, name=f"mmids-{stop_signal.name}", rtmp_port=rtmp_port)
            harness.wait_for_http(f"http://127.0.0.1:{api_port}/workflows", process=node)
            workflows = harness.http_request("GET", f"http://127.0.0.1:{api_port}/workflows").json()
            self.assertEqual(workflows, [{"name": "quick_start"}])
            node.popen.send_signal(stop_signal)
            self.assertEqual(node.popen.wait(timeout=10), 0, node.log()[-2000:])
            self.assertIn("stopped", node.log())

    def test_env_variables_fill_config_values(self):
        api_port = harness.free_port()
        path = self.write("env.config", "settings {\n http_api_port ${TEST_API_PORT}\n"
                                        " http_api_address ${TEST_API_ADDRESS:-127.0.0.1}\n}\n")
        node = self.start("mmids", [harness.program("mmids"), "--config", path],
                          extra_env={"TEST_API_PORT": api_port})
        harness.wait_for_http(f"http://127.0.0.1:{api_port}/", process=node)

    def test_missing_config_file_is_a_clear_error(self):
        result = self.run_mmids("--config", os.path.join(self.tmp, "nope.config"))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("nope.config", result.stdout + result.stderr)


if __name__ == "__main__":
    harness.main()
