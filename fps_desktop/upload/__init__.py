"""Uploads to Aliyun OSS: manifest, MD5 dedupe, multipart, resume, links. No Qt."""
