-- wrk script: POST /prompt with a distinct workflow per request (nothing cached).
-- WORKFLOW=basic (PrimitiveInt -> IntMath -> PreviewAny) or WORKFLOW=demo (workflows/text-to-image.json, a new seed each time).
local counter = 0
local kind = os.getenv("WORKFLOW") or "basic"
local template = nil
if kind == "demo" then
  local f = assert(io.open(os.getenv("DEMO_WORKFLOW") or "../workflows/text-to-image.json"))
  template = f:read("*a")
  f:close()
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  n = id * 100000000
end

request = function()
  n = n + 1
  local prompt
  if template then
    prompt = string.gsub(template, '"seed"%s*:%s*%d+', '"seed": ' .. n, 1)
  else
    prompt = '{"1":{"class_type":"PrimitiveInt","inputs":{"value":' .. (n % 1000000000) .. '}},'
      .. '"2":{"class_type":"IntMath","inputs":{"a":["1",0],"b":1,"op":"add"}},'
      .. '"3":{"class_type":"PreviewAny","inputs":{"source":["2",0]}}}'
  end
  return wrk.format("POST", "/prompt", {["Content-Type"] = "application/json"}, '{"prompt":' .. prompt .. '}')
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write(status .. " " .. body .. "\n") end
  end
end
