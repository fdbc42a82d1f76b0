"""The e2e harness's Ray Serve applications, built into the node's Ray image (node-images.sh)."""
