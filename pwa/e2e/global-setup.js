// Once per run: a migrated, seeded SQLite database to copy for each test (migrating and seeding
// take seconds; copying a file takes none), and photos with EXIF/GPS to file from the "camera".
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { PATHS, flaskEnv } from './server.js'

export default function globalSetup() {
  rmSync(PATHS.work, { recursive: true, force: true })
  mkdirSync(PATHS.work, { recursive: true })
  const env = flaskEnv({ database: PATHS.template, uploads: `${PATHS.work}/uploads-template` })
  execFileSync(PATHS.flask, ['db', 'upgrade'], { cwd: PATHS.root, env, stdio: 'pipe' })
  execFileSync(PATHS.flask, ['seed-demo'], { cwd: PATHS.root, env, stdio: 'pipe' })
  // Camera-sized JPEGs carrying EXIF with a camera name and GPS, to see them stripped.
  execFileSync(PATHS.python, ['-c', MAKE_PHOTOS, PATHS.work], { stdio: 'pipe' })
}

const MAKE_PHOTOS = `
import sys
from PIL import Image, ImageDraw
out = sys.argv[1]
for n, colour in enumerate([(180, 120, 60), (60, 120, 180)], start=1):
    image = Image.new("RGB", (3000, 2000), colour)
    ImageDraw.Draw(image).rectangle((400, 400, 2600, 1600), outline=(255, 255, 255), width=40)
    exif = Image.Exif()
    exif[0x010F] = "AssistecTestCam"
    exif.get_ifd(0x8825)[2] = (23.0, 33.0, 1.0)
    image.save(f"{out}/photo{n}.jpg", quality=90, exif=exif)
`
