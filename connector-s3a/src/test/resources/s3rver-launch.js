// Starts s3rver (the module path is argv[2]) on a free loopback port with its data in argv[3] and
// the bucket "bucket", prints "PORT <n>" once it listens, and stops when its standard input closes
// (the JVM that started it ended, however it ended). Its SigV4 check disagrees with the signatures
// of the AWS SDK v1 that hadoop-aws 3.3.4 uses (403 SignatureDoesNotMatch on every request), so
// the signature is not checked; the access key still is.
const S3rver = require(process.argv[2])
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: process.env.S3RVER_SILENT !== '0',
  directory: process.argv[3],
  configureBuckets: [{ name: 'bucket' }],
  allowMismatchedSignatures: true,
})
server.run().then(
  (addr) => console.log(`PORT ${addr.port}`),
  (err) => {
    console.error(err)
    process.exit(1)
  }
)
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
