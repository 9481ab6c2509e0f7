"""Local fakes of the providers' HTTP APIs, on 127.0.0.1 only. Each checks the request the way
the provider does (the signature first), records what it accepted, and answers with the success
or error body a test queued."""

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit


class FakeServer:
    """A threaded HTTP server on a free port of 127.0.0.1; subclasses implement ``handle``."""

    content_type = "application/json;charset=utf-8"

    def __init__(self):
        self.requests: list[dict] = []  # every request that passed the checks
        self.rejected: list[str] = []  # why a request was refused
        self.replies: deque = deque()  # queued answers; empty means success
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload = fake.handle(self.command, self.path, self.headers, body)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", fake.content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def reject(self, reason: str):
        self.rejected.append(reason)
        return reason

    def handle(self, method, path, headers, body):  # pragma: no cover - interface
        raise NotImplementedError


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class FakeAliyunSms(FakeServer):
    """Dysmsapi ``SendSms`` (RPC style) checking the ACS3-HMAC-SHA256 signature as documented at
    https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature."""

    def __init__(self, access_key_id: str, access_key_secret: str):
        super().__init__()
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret

    def error(self, code: str, message: str = "", status: int = 200):
        self.replies.append((status, code, message))

    def _check(self, method, path, headers, body) -> str:
        auth = headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        if algorithm != "ACS3-HMAC-SHA256":
            return self.reject(f"algorithm {algorithm!r}")
        fields = dict(part.strip().split("=", 1) for part in rest.split(","))
        if fields.get("Credential") != self.access_key_id:
            return "InvalidAccessKeyId.NotFound"
        signed = fields["SignedHeaders"].split(";")
        for required in ("host", "x-acs-action", "x-acs-version", "x-acs-date",
                         "x-acs-signature-nonce", "x-acs-content-sha256"):
            if required not in signed:
                return self.reject(f"{required} not signed")
        if headers.get("x-acs-content-sha256") != _sha256_hex(body):
            return self.reject("payload hash")
        sent = datetime.strptime(headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ")
        if abs(sent.replace(tzinfo=timezone.utc).timestamp() - time.time()) > 15 * 60:
            return "InvalidTimeStamp.Expired"
        split = urlsplit(path)
        query = sorted(parse_qsl(split.query, keep_blank_values=True))
        canonical_query = "&".join(
            f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in query
        )
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join([method, split.path or "/", canonical_query, canonical_headers,
                               ";".join(signed), _sha256_hex(body)])
        to_sign = f"ACS3-HMAC-SHA256\n{_sha256_hex(canonical.encode())}"
        expected = hmac.new(self.access_key_secret.encode(), to_sign.encode(),
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, fields.get("Signature", "")):
            self.reject("signature")
            return "SignatureDoesNotMatch"
        if headers.get("x-acs-action") != "SendSms" or headers.get("x-acs-version") != "2017-05-25":
            return self.reject("action/version")
        return ""

    def handle(self, method, path, headers, body):
        problem = self._check(method, path, headers, body)
        request_id = f"REQ-{len(self.requests) + len(self.rejected)}"
        if problem:
            status = 400 if problem in ("SignatureDoesNotMatch", "InvalidAccessKeyId.NotFound") else 403
            return status, {"Code": problem, "Message": problem, "RequestId": request_id}
        params = dict(parse_qsl(urlsplit(path).query)) | dict(parse_qsl(body.decode()))
        self.requests.append(params)
        if self.replies:
            status, code, message = self.replies.popleft()
            return status, {"Code": code, "Message": message or code, "RequestId": request_id}
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"900619746936498440^{len(self.requests)}",
                     "RequestId": request_id}


class FakeTencentSms(FakeServer):
    """SMS API 2021-01-11 ``SendSms`` checking the TC3-HMAC-SHA256 signature as documented at
    https://cloud.tencent.com/document/api/382/52072."""

    content_type = "application/json"

    def __init__(self, secret_id: str, secret_key: str, app_id: str):
        super().__init__()
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.app_id = app_id

    def error(self, code: str, message: str = "", *, per_number: bool = True):
        self.replies.append((code, message, per_number))

    def _check(self, method, path, headers, body) -> str:
        auth = headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        if algorithm != "TC3-HMAC-SHA256":
            return self.reject(f"algorithm {algorithm!r}") and "AuthFailure.SignatureFailure"
        fields = dict(part.strip().split("=", 1) for part in rest.split(","))
        secret_id, date, service, terminator = fields["Credential"].split("/")
        if secret_id != self.secret_id:
            return "AuthFailure.SecretIdNotFound"
        timestamp = headers.get("X-TC-Timestamp", "0")
        if abs(int(timestamp) - time.time()) > 5 * 60:
            return "AuthFailure.SignatureExpire"
        signed = fields["SignedHeaders"].split(";")
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join([method, urlsplit(path).path or "/", urlsplit(path).query,
                               canonical_headers, ";".join(signed), _sha256_hex(body)])
        to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, f"{date}/{service}/{terminator}",
                             _sha256_hex(canonical.encode())])
        key = _hmac(_hmac(_hmac(f"TC3{self.secret_key}".encode(), date), service), "tc3_request")
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, fields.get("Signature", "")):
            self.reject("signature")
            return "AuthFailure.SignatureFailure"
        if service != "sms" or headers.get("X-TC-Action") != "SendSms":
            return self.reject("service/action") and "InvalidAction"
        if headers.get("X-TC-Version") != "2021-01-11":
            return self.reject("version") and "InvalidParameterValue"
        return ""

    def handle(self, method, path, headers, body):
        request_id = f"req-{len(self.requests) + len(self.rejected)}"
        problem = self._check(method, path, headers, body)
        if problem:
            return 200, {"Response": {"Error": {"Code": problem, "Message": problem},
                                      "RequestId": request_id}}
        params = json.loads(body)
        if params.get("SmsSdkAppId") != self.app_id:
            return 200, {"Response": {"Error": {"Code": "FailedOperation.SmsSdkAppIdVerifyFail",
                                                "Message": "appid"}, "RequestId": request_id}}
        self.requests.append(params)
        phone = params["PhoneNumberSet"][0]
        if self.replies:
            code, message, per_number = self.replies.popleft()
            if not per_number:
                return 200, {"Response": {"Error": {"Code": code, "Message": message or code},
                                          "RequestId": request_id}}
            status = {"SerialNo": "", "PhoneNumber": phone, "Fee": 0, "SessionContext": "",
                      "Code": code, "Message": message or code, "IsoCode": "CN"}
        else:
            status = {"SerialNo": f"2028:{len(self.requests)}", "PhoneNumber": phone, "Fee": 1,
                      "SessionContext": "", "Code": "Ok", "Message": "send success",
                      "IsoCode": "CN"}
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}


class FakeWecom(FakeServer):
    """``/cgi-bin/gettoken`` and ``/cgi-bin/message/send`` of the WeChat Work server API."""

    def __init__(self, corp_id: str, secret: str, agent_id: int, users: set[str]):
        super().__init__()
        self.corp_id = corp_id
        self.secret = secret
        self.agent_id = agent_id
        self.users = users
        self.tokens: dict[str, bool] = {}  # token → still valid
        self.token_calls = 0
        self.expires_in = 7200

    def error(self, errcode: int, errmsg: str = ""):
        self.replies.append((errcode, errmsg))

    def expire_tokens(self):
        self.tokens = dict.fromkeys(self.tokens, False)

    def handle(self, method, path, headers, body):
        split = urlsplit(path)
        query = dict(parse_qsl(split.query))
        if split.path == "/cgi-bin/gettoken" and method == "GET":
            self.token_calls += 1
            if query.get("corpid") != self.corp_id:
                return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
            if query.get("corpsecret") != self.secret:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            token = f"tok-{self.token_calls}"
            self.tokens[token] = True
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": token,
                         "expires_in": self.expires_in}
        if split.path == "/cgi-bin/message/send" and method == "POST":
            token = query.get("access_token", "")
            if token not in self.tokens:
                return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
            if not self.tokens[token]:
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            message = json.loads(body)
            if message.get("agentid") != self.agent_id:
                return 200, {"errcode": 40056, "errmsg": "invalid agentid"}
            if self.replies:
                errcode, errmsg = self.replies.popleft()
                return 200, {"errcode": errcode, "errmsg": errmsg or str(errcode)}
            wanted = message["touser"].split("|")
            invalid = [u for u in wanted if u not in self.users]
            if len(invalid) == len(wanted):
                return 200, {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
            self.requests.append(message)
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid),
                         "msgid": f"msg-{len(self.requests)}"}
        return 404, {"errcode": 404, "errmsg": "not found"}
