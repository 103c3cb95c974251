# Stepcraft's local Lambda runtime for Python: imports the handler once, then answers one
# request per line on stdin. Answers are framed on stdout: a line starting with the record
# separator and "STEPCRAFT " carries JSON; anything else on stdout is the function's own output.
# During an invocation, sys.stdout and sys.stderr are captured and sent back with the answer.
import importlib
import importlib.util
import io
import json
import os
import sys
import time
import traceback

FRAME = "\x1eSTEPCRAFT "
proto = sys.stdout


def send(message):
    proto.write(FRAME + json.dumps(message, allow_nan=False) + "\n")
    proto.flush()


def error_of(exc, tb=True):
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_tb(exc.__traceback__) if tb else [],
    }


class Context:
    def __init__(self, request_id, deadline):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = "$LATEST"
        self.invoked_function_arn = os.environ.get("STEPCRAFT_FUNCTION_ARN", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = request_id
        self.log_group_name = "/aws/lambda/" + self.function_name
        self.log_stream_name = "stepcraft/local"
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load():
    folder = os.environ["STEPCRAFT_CODE_DIR"]
    module = os.environ["STEPCRAFT_MODULE"]
    function = os.environ["STEPCRAFT_FUNCTION"]
    sys.path.insert(0, folder)
    if module.endswith(".py"):
        name = os.path.splitext(os.path.basename(module))[0]
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, module))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    else:
        mod = importlib.import_module(module.replace("/", "."))
    handler = getattr(mod, function, None)
    if handler is None:
        raise AttributeError("Handler '%s' missing on module '%s'" % (function, module))
    return handler


def main():
    try:
        handler, init_error = load(), None
    except Exception as exc:  # reported with every request, as Lambda does
        handler = None
        init_error = error_of(exc, tb=False)
        init_error["errorType"] = "Runtime.ImportModuleError"
        init_error["errorMessage"] = "Unable to import module '%s': %s" % (
            os.environ.get("STEPCRAFT_MODULE", ""),
            exc,
        )
    # Ready: the function's timeout counts from here, as Lambda's init phase does not count.
    send({"ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if init_error is not None:
            send({"error": init_error, "logs": ""})
            continue
        deadline = time.monotonic() + request.get("timeoutMs", 3000) / 1000.0
        context = Context(request.get("requestId", ""), deadline)
        captured = io.StringIO()
        sys.stdout, sys.stderr = captured, captured
        try:
            result = handler(request.get("event"), context)
            answer = {"ok": result}
            try:
                json.dumps(answer, allow_nan=False)
            except (TypeError, ValueError) as exc:
                answer = {
                    "error": {
                        "errorMessage": "Unable to marshal response: %s" % exc,
                        "errorType": "Runtime.MarshalError",
                        "stackTrace": [],
                    }
                }
        except Exception as exc:
            answer = {"error": error_of(exc)}
        finally:
            sys.stdout, sys.stderr = proto, sys.__stderr__
        answer["logs"] = captured.getvalue()
        send(answer)


main()
