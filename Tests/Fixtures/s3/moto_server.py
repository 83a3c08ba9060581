"""An independent S3 for the storage tests: moto in server mode on loopback, with signature checks on.

    python3 moto_server.py --state-file PATH

Starts moto's threaded server on 127.0.0.1 (a free port), creates an IAM user with an access key
and an inline policy allowing s3:*, creates the bucket "bundle-files", then turns moto's request
authentication on (as POST /moto-api/reset-auth with 0 does: from then on every request must carry a
valid SigV4 signature of a known key). Writes {"endpoint", "bucket", "access_key_id",
"secret_access_key"} to the state file and serves until killed or its parent process ends.

    python3 moto_server.py presign --endpoint URL --bucket B --key K --access-key-id A
        --secret-access-key S --region R --expires N --epoch T --content-type C --disposition D

Prints botocore's own presigned GET URL for that object at that time: the tests compare the
bundle's signature with it.
"""

import argparse
import datetime
import json
import os
import sys
import time


def serve(state_file):
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    setup = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
    iam = boto3.client("iam", **setup)
    iam.create_user(UserName="bundle")
    iam.put_user_policy(UserName="bundle", PolicyName="files",
                        PolicyDocument=json.dumps({"Version": "2012-10-17",
                                                   "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="bundle")["AccessKey"]
    boto3.client("s3", **setup).create_bucket(Bucket="bundle-files")
    # What POST /moto-api/reset-auth does, done in this process (the server runs in it).
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0
    state = {"endpoint": endpoint, "bucket": "bundle-files",
             "access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}
    temporary = state_file + ".tmp"
    with open(temporary, "w") as out:
        json.dump(state, out)
    os.rename(temporary, state_file)
    # The test process that started this one may never stop it (a suite's shared server): serve
    # while it lives, and exit once this process is handed to another parent.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)


def presign(args):
    import boto3
    import botocore.auth
    from botocore.config import Config

    moment = datetime.datetime.fromtimestamp(args.epoch, tz=datetime.timezone.utc).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda *a, **k: moment
    client = boto3.client("s3", endpoint_url=args.endpoint, region_name=args.region,
                          aws_access_key_id=args.access_key_id, aws_secret_access_key=args.secret_access_key,
                          config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    print(client.generate_presigned_url("get_object", ExpiresIn=args.expires, Params={
        "Bucket": args.bucket, "Key": args.key,
        "ResponseContentType": args.content_type, "ResponseContentDisposition": args.disposition}))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "presign":
        parser = argparse.ArgumentParser()
        parser.add_argument("command")
        for name in ["endpoint", "bucket", "key", "access-key-id", "secret-access-key", "region", "content-type", "disposition"]:
            parser.add_argument("--" + name, required=True)
        parser.add_argument("--expires", type=int, required=True)
        parser.add_argument("--epoch", type=int, required=True)
        presign(parser.parse_args())
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--state-file", required=True)
    serve(parser.parse_args().state_file)


if __name__ == "__main__":
    main()
